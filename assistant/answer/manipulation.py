"""Attempts to buy an answer: override and authority claims, role-play and hypothetical
framing, requests for internals, encoded payloads, and asks no public service answers.

A question carrying one is refused whatever its retrieval scores: a person asking the
one-window service about a procedure has no reason to write any of these. Checked on
every in-scope question of the training and dev sets (tests/unit/test_manipulation.py):
none matches.
"""

from __future__ import annotations

import re
import unicodedata

PATTERNS: dict[str, re.Pattern[str]] = {
    "override": re.compile(
        r"(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|previous\s+|"
        r"prior\s+|above\s+|earlier\s+|these\s+)*(instructions?|prompts?|rules?|restrictions?|"
        r"guidelines?|polic(y|ies)|settings?)|system\s+override|(restrictions?|filters?|rules?|"
        r"scope)\s+(are\s+|is\s+|have\s+been\s+|has\s+been\s+)?(disabled|lifted|removed|off|"
        r"turned\s+off)|developer\s+mode|jailbreak|\bDAN\b|new\s+(policy|instructions?|rules?)\s*"
        r"(from\s+(the\s+)?(admin|developer|operator|system|team)|:)|you\s+(are|will)\s+now\b|from\s+now\s+on|typo\s+in\s+your\s+prompt|"
        r"(admin|administrator|developer|operator|root)\s*(says|here|access|privileges|mode|"
        r"override)|"
        r"忽略(之前|以上|上面|前面|所有|你的)?的?(指令|指示|提示|规则|限制|设定)|越狱|开发者模式|"
        # "your restrictions are lifted", not "can the bidding restrictions be lifted?"
        r"(拒答|审查|过滤)(机制)?.{0,8}(关闭|解除|取消|失效|禁用)|"
        r"(你的?|所有的?|一切|全部的?|安全)(限制|规则)(机制)?.{0,8}(关闭|解除|取消|失效|禁用)|"
        r"优先级高于|从现在(开始|起)|你现在(是|扮演|不再)|新的?(指令|规则)[::]|(运维|管理员|开发团队|"
        r"系统管理员)(要求|通知|说|指示|授权)",
        re.I,
    ),
    "role-play": re.compile(
        r"\b(pretend|imagine|role-?play|act\s+as|play\s+the\s+role|you\s+are\s+[\"“']|"
        r"if\s+you\s+were|as\s+an?\s+(unrestricted|uncensored|evil)|hypothetical(ly)?|"
        r"thought\s+experiment|parallel\s+universe|in\s+a\s+(story|novel|movie|script|game)|"
        r"(write|tell)\s+(me\s+)?a\s+(story|poem|joke|script|song)|grandma|granny)\b|"
        # 扮演 asks the assistant to play a part, except in "plays what role" (政府扮演什么角色)
        r"扮演(?!\S{0,4}?(什么|啥|怎样|哪些|哪种|何种|重要|关键|积极|主导|核心|好)\S{0,3}角色)|"
        r"假设(这只是|你是|你现在)|想象(一下)?你|如果你(是|不是)一个|思想实验|平行宇宙|"
        r"(写|编)(一个|一篇|一首|个)(故事|小说|剧本|诗|笑话)|奶奶|没有(道德|伦理)(约束|限制)",
        re.I,
    ),
    "internals": re.compile(
        r"system\s*prompt|(your|the)\s+(hidden\s+)?(instructions|prompt|configuration|config|"
        r"settings|source\s+code|api\s+keys?|model\s+name|training\s+data)|environment\s+"
        r"variables?|\benv\b|printenv|/etc/passwd|repeat\s+(the\s+)?(text|words|everything)\s+"
        r"above|(print|show|reveal|output|dump)\s+(your|the)\s+(prompt|rules|context|memory)|"
        # 系统提示 is the prompt only when nothing follows it: "系统提示名称不规范" is a
        # registration system's message
        r"系统提示(?![\u4e00-\u9fff])|提示词|系统设定|后台(的)?(设定|配置|指令)|环境变量|密钥|源代码|配置文件|"
        r"模型(名称|名字)|重复(上面|以上|前面)的?(内容|文字|话)|你的(指令|设定|规则)是什么",
        re.I,
    ),
    "harm": re.compile(
        r"\b(bomb|explosive|molotov|poison|toxic\s+gas|nerve\s+agent|meth|cocaine|heroin|"
        r"weapon|firearm|malware|ransomware|keylogger|phishing|ddos|hack(ing)?\s+(into|a|an|"
        r"the|my|someone)|crack\s+(the\s+|a\s+|my\s+|someone'?s?\s+)?(wi-?fi|password|"
        r"software)|bypass\s+(the\s+|a\s+)?(firewall|security|login|paywall)|track\s+"
        r"(someone|a\s+person|my\s+(wife|husband|ex|partner))|evade\s+tax(es)?|tax\s+"
        r"evasion|launder|smear|stalk)\b|"
        r"炸弹|炸药|爆炸物|燃烧瓶|毒药|毒气|有毒气体|制毒|冰毒|毒品|枪支|武器|木马|病毒程序|勒索软件|"
        r"钓鱼网站|黑进|入侵(别人|他人|系统|网站|服务器)|破解(别人|他人|WiFi|wifi|密码|软件)|"
        r"绕过(防火墙|安全|监控|登录)|定位别人|跟踪(别人|他人)|逃税|偷税|洗钱|抹黑|造谣",
        re.I,
    ),
    "encoded": re.compile(
        r"\b(base64|rot-?13|hex(adecimal)?|morse|url-?encoded|decode|decipher|reversed?\s+text|"
        r"leetspeak)\b|解码|编码后|倒着(读|写)|反过来读|摩斯|"
        r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/])|"
        r"(?:%[0-9A-Fa-f]{2}){4,}|(?:\\u[0-9A-Fa-f]{4}){3,}|(?:\b[0-9a-fA-F]{2}\s){8,}",
        re.I,
    ),
}
ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff]")


def normalise(text: str) -> str:
    """Full-width letters, compatibility forms and zero-width characters out, so 'ｉｇｎｏｒｅ'
    and 'ig\u200bnore' read as 'ignore'."""
    return unicodedata.normalize("NFKC", ZERO_WIDTH.sub("", text))


def manipulation(text: str) -> str | None:
    """The kind of attempt `text` makes, or None."""
    plain = normalise(text)
    for kind, pattern in PATTERNS.items():
        if pattern.search(plain):
            return kind
    return None
