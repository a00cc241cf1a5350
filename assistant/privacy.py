"""Personal data out before anything is stored or logged: Chinese ID numbers (checksum),
mobile and landline numbers, bank cards (Luhn) and e-mail addresses.

Numbers and addresses that the knowledge base itself publishes (the consultation phone,
a bureau's e-mail) are not personal and are kept. A long digit string that is labelled as
an order, a waybill or a credit code is not taken for a card.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# 18-digit resident ID: region, birth date, sequence, check digit.
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[0-9Xx](?![0-9A-Za-z])"
)
MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[\s-]?)\d{7,8}(?!\d)")
# 16-19 digits, in groups of four or not, starting as cards do (UnionPay 62, Visa 4,
# Mastercard 51-55 and 2221-2720, Amex 34/37, JCB 35, Diners 30/36/38).
CARD = re.compile(r"(?<!\d)(?:\d[\s-]?){15,18}\d(?!\d)")
CARD_PREFIX = re.compile(
    r"^(62|4|5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720|3[47]|35|30|36|38)"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Words that say a digit string is not a card (order numbers, waybills, credit codes).
NOT_A_CARD = re.compile(
    r"(订单|单号|运单|快递|流水|发票|信用代码|税号|编号|合同号|order|waybill|tracking|invoice|"
    r"reference|ref\.?|credit code)\s*(号|no\.?|number|#)?\s*[::]?\s*$",
    re.I,
)
MASK = {
    "id": "[身份证号]",
    "mobile": "[手机号]",
    "landline": "[电话]",
    "card": "[银行卡号]",
    "email": "[邮箱]",
}


def valid_id(number: str) -> bool:
    body, check = number[:17], number[17].upper()
    return ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11] == check


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class Redactor:
    def __init__(self, public: Iterable[str] = ()) -> None:
        # Public contacts, compared without spaces or dashes.
        self.public = {re.sub(r"[\s-]", "", p).lower() for p in public}

    def _public(self, text: str) -> bool:
        return re.sub(r"[\s-]", "", text).lower() in self.public

    def redact(self, text: str) -> str:
        if not text:
            return text

        def ids(m: re.Match[str]) -> str:
            return (
                MASK["id"] if valid_id(m.group(0)) and not self._public(m.group(0)) else m.group(0)
            )

        def cards(m: re.Match[str]) -> str:
            digits = re.sub(r"[\s-]", "", m.group(0))
            before = text_now[max(0, m.start() - 24) : m.start()]
            if (
                16 <= len(digits) <= 19
                and CARD_PREFIX.match(digits)
                and luhn(digits)
                and not NOT_A_CARD.search(before)
                and not self._public(digits)
            ):
                return MASK["card"]
            return m.group(0)

        def simple(kind: str) -> Callable[[re.Match[str]], str]:
            def repl(m: re.Match[str]) -> str:
                return m.group(0) if self._public(m.group(0)) else MASK[kind]

            return repl

        text_now = ID_NUMBER.sub(ids, text)
        text_now = CARD.sub(cards, text_now)
        text_now = EMAIL.sub(simple("email"), text_now)
        text_now = MOBILE.sub(simple("mobile"), text_now)
        text_now = LANDLINE.sub(simple("landline"), text_now)
        return text_now


def public_contacts(texts: Iterable[str]) -> set[str]:
    """Phone numbers and e-mail addresses the knowledge base publishes."""
    found: set[str] = set()
    for text in texts:
        for pattern in (EMAIL, MOBILE, LANDLINE):
            found.update(m.group(0) for m in pattern.finditer(text))
    return found
