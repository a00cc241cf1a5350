"""Redaction measured on generated cases: personal numbers out, credit codes and order
numbers left alone."""

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.privacy import ID_CHECK, ID_WEIGHTS, Redactor, luhn

RNG = random.Random(20261128)
REDACT = Redactor(public={"0898-66761960", "cxxhycx123@163.com"})
ZH = ["我的身份证是{}", "联系我:{},谢谢", "{} 这是我的", "请回电{}。", "Contact me at {} please"]


def make_id() -> str:
    region = f"{RNG.choice([11, 31, 44, 46, 51])}{RNG.randint(0, 9999):04d}"
    birth = f"{RNG.randint(1950, 2008)}{RNG.randint(1, 12):02d}{RNG.randint(1, 28):02d}"
    body = region + birth + f"{RNG.randint(0, 999):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def make_mobile() -> str:
    n = f"1{RNG.choice('3456789')}{RNG.randint(0, 999999999):09d}"
    style = RNG.randint(0, 3)
    if style == 1:
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    if style == 2:
        return f"{n[:3]}-{n[3:7]}-{n[7:]}"
    return f"+86 {n}" if style == 3 else n


def make_landline() -> str:
    area = RNG.choice(["0898", "010", "020", "0755", "021"])
    return (
        f"{area}-{RNG.randint(2000000, 99999999)}"
        if RNG.random() < 0.7
        else f"({area}){RNG.randint(2000000, 9999999)}"
    )


def make_card() -> str:
    prefix = RNG.choice(["62", "4", "52", "55", "37"])
    length = RNG.choice([16, 19]) if prefix == "62" else 16
    body = prefix + "".join(RNG.choice(string.digits) for _ in range(length - len(prefix) - 1))
    check = next(str(d) for d in range(10) if luhn(body + str(d)))
    card = body + check
    return " ".join(card[i : i + 4] for i in range(0, len(card), 4)) if RNG.random() < 0.4 else card


def make_email() -> str:
    user = "".join(
        RNG.choice(string.ascii_lowercase + string.digits) for _ in range(RNG.randint(3, 10))
    )
    return f"{user}@{RNG.choice(['qq.com', '163.com', 'gmail.com', 'company.cn'])}"


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc() -> str:
    return (
        "91" + f"{RNG.randint(110000, 659999)}" + "".join(RNG.choice(USCC_CHARS) for _ in range(10))
    )


def make_order() -> str:
    kind = RNG.randint(0, 2)
    if kind == 0:  # date-prefixed, as most Chinese platforms number orders
        return f"2026{RNG.randint(1, 12):02d}{RNG.randint(1, 28):02d}" + "".join(
            RNG.choice(string.digits) for _ in range(RNG.randint(8, 11))
        )
    return "".join(RNG.choice(string.digits) for _ in range(RNG.randint(16, 19)))


def test_recall_on_generated_personal_data():
    cases = [
        (make(), kind)
        for make, kind in [
            (make_id, "身份证号"),
            (make_mobile, "手机号"),
            (make_landline, "电话"),
            (make_card, "银行卡号"),
            (make_email, "邮箱"),
        ]
        for _ in range(240)
    ]
    missed = []
    for value, kind in cases:
        text = RNG.choice(ZH).format(value)
        out = REDACT.redact(text)
        if value in out or f"[{kind}]" not in out:
            missed.append((value, out))
    recall = 1 - len(missed) / len(cases)
    print(f"redaction recall on {len(cases)} generated cases: {recall:.4f}")
    assert len(cases) >= 1000 and recall >= 0.995, missed[:10]


def test_false_positives_on_credit_codes_and_order_numbers():
    contexts = ["统一社会信用代码:{}", "订单号:{}", "运单号 {}", "order no. {}", "{}"]
    cases = []
    for _ in range(600):
        cases.append(RNG.choice(contexts[:1]).format(make_uscc()))
    for _ in range(600):
        value = make_order()
        cases.append(
            RNG.choice(contexts[1:4]).format(value)
            if not value.startswith("2026")
            else RNG.choice(contexts[1:]).format(value)
        )
    flagged = [c for c in cases if REDACT.redact(c) != c]
    rate = len(flagged) / len(cases)
    print(f"false positives on {len(cases)} credit codes and order numbers: {rate:.4f}")
    assert rate <= 0.01, flagged[:10]


def test_published_contacts_are_kept():
    text = "意见请寄cxxhycx123@163.com或致电0898-66761960,我的电话13812345678"
    assert REDACT.redact(text) == "意见请寄cxxhycx123@163.com或致电0898-66761960,我的电话[手机号]"


@pytest.mark.parametrize("text", ["", "接电要钱吗", "12345热线", "第22项", "200千瓦"])
def test_ordinary_text_is_untouched(text):
    assert REDACT.redact(text) == text


@given(st.text(max_size=300))
def test_redaction_never_crashes_and_never_lengthens_clean_text(text):
    out = REDACT.redact(text)
    assert isinstance(out, str)
