"""Questions that ask for a specific (a fee, a time, an address, a phone number) the source lacks.

Retrieval can find the right task for "How much does the court charge to file a case?",
but if the task never states a fee, quoting it would answer a question nobody asked and
invite a guess. Such questions get the handoff instead, with a pointer to the task.
"""

from __future__ import annotations

import re

from assistant.schema import Lang

# What a question asks for, by language.
ASKS: dict[str, dict[Lang, re.Pattern[str]]] = {
    "fee": {
        "zh": re.compile(
            r"多少钱|收多少|收费标准|费用是多少|什么价|价格是多少|[电水气]价是?多少|利率|税率|"
            r"几块钱|多少费用|怎么收费|能拿多少|补贴多少|奖励多少|额度是多少|标准是多少|给多少"
        ),
        # "cost" alone is often about cutting costs, not asking for an amount.
        "en": re.compile(
            r"\bhow much\b|\bfees?\b|\bwhat (does|will) it cost\b|\bcost (of|to)\b|\bprices?\b|"
            r"\bcharges?\b|\btariffs?\b|\binterest rates?\b|\btax rates?\b",
            re.I,
        ),
    },
    "time": {
        "zh": re.compile(
            r"几点|营业时间|办公时间|上班时间|开放时间|多久|多长时间|几天|几个工作日|多少天|哪天|"
            r"几号|什么时候开始|截止"
        ),
        "en": re.compile(
            r"opening hours|office hours|what time|\bhow long\b|how many days|"
            r"\bdeadline\b|what date|open on (saturday|sunday|weekends?)",
            re.I,
        ),
    },
    "address": {
        "zh": re.compile(r"地址|在哪|哪里办|什么地方办|怎么走"),
        "en": re.compile(
            r"\baddress\b|\bwhere is\b|\bwhere are\b|\blocated\b|\bdirections\b", re.I
        ),
    },
    "phone": {
        "zh": re.compile(r"电话|号码|联系方式"),
        "en": re.compile(r"\bphone\b|\btelephone\b|\bcontact number\b|\bcall\b.*\bnumber\b", re.I),
    },
}
# What a source unit must contain to answer such a question.
PROVIDES: dict[str, re.Pattern[str]] = {
    "fee": re.compile(r"\d+(\.\d+)?\s*(元|万元|%)|零投资|免费|免收|不收费|零成本"),
    "time": re.compile(r"\d+\s*(个)?(工作日|天|日|小时|分钟|月|年)|7×24|24小时|即时|当场"),
    "address": re.compile(r"地址|\d+号|路\d|大道"),
    "phone": re.compile(r"\d{3,4}-\d{7,8}|12345|电子邮箱"),
}
LABEL = {
    "fee": {"zh": "收费标准或金额", "en": "the fee or amount"},
    "time": {"zh": "具体时间或办理时限", "en": "the time or how long it takes"},
    "address": {"zh": "具体地址", "en": "the address"},
    "phone": {"zh": "联系电话", "en": "the phone number"},
}


def asked_specifics(question: str, lang: Lang) -> list[str]:
    return [kind for kind, by_lang in ASKS.items() if by_lang[lang].search(question)]


def missing_specifics(question: str, lang: Lang, source_text: str) -> list[str]:
    """The kinds of specific the question asks for that `source_text` does not give."""
    return [k for k in asked_specifics(question, lang) if not PROVIDES[k].search(source_text)]


def describe(kinds: list[str], lang: Lang) -> str:
    """收费标准或金额和具体地址 / the fee or amount and the address."""
    return ("和" if lang == "zh" else " and ").join(LABEL[k][lang] for k in kinds)
