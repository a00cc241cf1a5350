"""What a question asks for: a fee, a time limit, opening hours, an address, materials, steps…

One place reads this from the question. Each document kind says which of these facts a
unit states (documents/*.py, `missing`), and the policy hands off instead of guessing when the
best unit does not state what was asked: retrieval can find the right task for "How much
does the court charge to file a case?", but if the task never states a fee, quoting it
would answer a question nobody asked and invite a guess.
"""

from __future__ import annotations

import re

from assistant.schema import Lang

# The specifics: facts a person acts on, which must never be guessed.
SPECIFICS = ("fee", "time", "hours", "address", "phone")
# Facts of a procedure: a short question asking only for one of these ("要带啥东西?",
# "how long does approval take?") asks about whatever the conversation was about.
FACTS = (*SPECIFICS, "window", "materials")

ASKS: dict[str, dict[Lang, re.Pattern[str]]] = {
    "fee": {
        "zh": re.compile(
            r"多少钱|收多少|收费标准|费用是多少|什么价|价格是多少|[电水气]价是?多少|利率|税率|"
            r"几块钱|多少费用|怎么收费|能拿多少|补贴多少|奖励多少|额度是多少|标准是多少|给多少|"
            r"要钱吗|花钱|要不要钱|收不收费|交多少|免费吗|收钱吗"
        ),
        # "cost" alone is often about cutting costs, not asking for an amount.
        "en": re.compile(
            r"\bhow much\b|\bfees?\b|\bwhat (does|will) it cost\b|\bcost (of|to)\b|\bprices?\b|"
            r"\bcharges?\b|\btariffs?\b|\binterest rates?\b|\btax rates?\b|"
            r"\bdo (i|we) (have to )?pay\b|\bis it free\b|\bfree of charge\b",
            re.I,
        ),
    },
    "time": {
        "zh": re.compile(
            r"多久|多长时间|几天|几个工作日|多少天|哪天|几号|什么时候开始|截止|办理时限|时限|"
            r"时间要求|多少天内|几天内"
        ),
        "en": re.compile(
            r"\bhow long\b|how many (working )?days|\bdeadline\b|what date|processing time",
            re.I,
        ),
    },
    "hours": {
        "zh": re.compile(r"几点|营业时间|办公时间|上班时间|开放时间"),
        "en": re.compile(
            r"opening hours|office hours|what time|open on (saturday|sunday|weekends?)",
            re.I,
        ),
    },
    "address": {
        # "地址" is sometimes the subject, not a request (地址变更, 注册地址有啥要求)
        "zh": re.compile(
            r"(?<!注册)(?<!经营)(?<!办公)地址(?!变更|迁移|变动|要求)|在哪|哪里办|什么地方办|怎么走"
        ),
        "en": re.compile(
            r"\baddress\b|\bwhere is\b|\bwhere are\b|\blocated\b|\bdirections\b", re.I
        ),
    },
    "window": {
        "zh": re.compile(r"窗口|柜台"),
        "en": re.compile(r"\bwindow\b|\bcounter\b|\bdesk\b", re.I),
    },
    "phone": {
        "zh": re.compile(r"电话|号码|联系方式"),
        "en": re.compile(
            r"\bphone\b|\btelephone\b|\bcontact number\b|\bcall\b.*\bnumber\b|"
            r"\bnumbers? (i|we|you) can call\b",
            re.I,
        ),
    },
    "materials": {
        "zh": re.compile(
            r"材料|资料|证件|带什么|带啥|准备什么|提供什么|提交什么|交什么|交啥|要带|需要哪些东西"
        ),
        "en": re.compile(
            r"\bdocuments?\b|\bdocs?\b|\bmaterials?\b|\bpaperwork\b|\bpapers\b|"
            r"\bwhat (do|should|must) (i|we) (bring|submit|provide|prepare)\b",
            re.I,
        ),
    },
    "steps": {
        "zh": re.compile(r"流程|步骤|程序|手续|怎么办|如何办|怎么申请|如何申请|怎么弄|怎么操作"),
        "en": re.compile(
            r"\bsteps?\b|\bprocess\b|\bprocedures?\b|\bhow (do|can|should) (i|we)\b|"
            r"\bhow to\b",
            re.I,
        ),
    },
    "conditions": {
        "zh": re.compile(r"条件|资格|符合|谁可以|哪些企业可以|能不能申请|够不够"),
        "en": re.compile(
            r"\beligib\w*|\bqualif\w*|\brequirements?\b|\bconditions?\b|\bwho can\b", re.I
        ),
    },
    "online": {
        "zh": re.compile(r"网上|线上|在线|网站|平台|app|小程序|不用跑|不跑腿", re.I),
        "en": re.compile(
            r"\bonline\b|\bwebsite\b|\bweb site\b|\bapp\b|\binternet\b|\bportal\b", re.I
        ),
    },
    "legal": {
        "zh": re.compile(r"依据|法规|法律|哪条规定"),
        "en": re.compile(r"\blegal basis\b|\blaws?\b|\bregulations?\b", re.I),
    },
}

LABEL: dict[str, dict[Lang, str]] = {
    "fee": {"zh": "收费标准或金额", "en": "the fee or amount"},
    "time": {"zh": "办理时限", "en": "how long it takes"},
    "hours": {"zh": "办公时间", "en": "the opening hours"},
    "address": {"zh": "具体地址", "en": "the address"},
    "window": {"zh": "办理窗口", "en": "the service window"},
    "phone": {"zh": "联系电话", "en": "the phone number"},
    "materials": {"zh": "所需材料", "en": "the documents required"},
    "steps": {"zh": "办理步骤", "en": "the steps"},
    "conditions": {"zh": "办理条件", "en": "who qualifies"},
    "online": {"zh": "网上办理渠道", "en": "the online channel"},
    "legal": {"zh": "办理依据", "en": "the legal basis"},
}


def asked(question: str, lang: Lang) -> list[str]:
    """Everything the question asks for, in the order of ASKS."""
    return [kind for kind, by_lang in ASKS.items() if by_lang[lang].search(question)]


# What a unit's Chinese text must contain to state a specific a question asks for (a date
# states "when", as a duration states "how long").
_WHEN = re.compile(r"\d+\s*(个)?(工作日|天|日|小时|分钟|月|年)|7×24|24小时|即时|当场")
STATES: dict[str, re.Pattern[str]] = {
    "fee": re.compile(r"\d+(\.\d+)?\s*(元|万元|%)|零投资|免费|免收|不收费|零成本"),
    "time": _WHEN,
    "hours": _WHEN,
    "address": re.compile(r"地址|\d+号|路\d|大道"),
    "phone": re.compile(r"\d{3,4}-\d{7,8}|12345|电子邮箱"),
}


def unstated(asks: list[str], text: str) -> list[str]:
    """The specifics asked for that `text` (Chinese) does not state."""
    return [a for a in asks if a in STATES and not STATES[a].search(text)]


_LINK = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.I)


def bare_link(question: str) -> bool:
    """A message that is only a web address asks nothing we can answer."""
    return bool(_LINK.match(question))


def asked_specifics(question: str, lang: Lang) -> list[str]:
    return [k for k in asked(question, lang) if k in SPECIFICS]


def describe(kinds: list[str], lang: Lang) -> str:
    """收费标准或金额和具体地址 / the fee or amount and the address."""
    return ("和" if lang == "zh" else " and ").join(LABEL[k][lang] for k in kinds)
