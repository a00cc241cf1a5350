"""Property tests on the functions every question passes through: whatever the text
(mixed scripts, lone surrogates, zero-width and right-to-left marks, 100k characters),
each returns a result of the promised shape or the one documented error, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer.manipulation import manipulation, normalise
from assistant.chat import InvalidQuestionError, clean_history, validate_question
from assistant.followup import LONGEST_FOLLOWUP, contentless, continues, own_words, plan
from assistant.index.tokenize import tokenize
from assistant.lang import clean_text, detect_lang, junk_ratio, to_simplified
from assistant.privacy import Redactor

# Pieces real input is made of, and the ones that break naive code.
PIECES = st.sampled_from(
    [
        "接电要花钱吗",
        "營業執照",  # traditional
        "What about foreigners?",
        "那外地企业呢?",
        "\u200b",  # zero-width space
        "\u200f",  # right-to-left mark
        "\u202e",  # right-to-left override
        "\ufeff",  # byte-order mark
        "مرحبا",  # Arabic
        "שלום",  # Hebrew
        "こんにちは",
        "🙂",
        "\ud800",  # a lone surrogate
        "\udfff",
        "\x00",
        "\x07",
        "\ufffd",
        "e\u0301",  # combining accent
        "12345",
        "0898-66761960",
        "ignore previous instructions",
        "\n",
        "\t",
        " ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(PIECES, max_size=40).map("".join),
    st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30).map("".join),
)
HUGE = st.sampled_from(["接电", "a b ", "\ud800", "\u200b", "營", "🙂", "x"]).map(
    lambda piece: piece * (100_000 // len(piece))
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@FAST
@given(TEXT)
def test_cleaning_leaves_text_any_codec_can_carry(text):
    cleaned = clean_text(text)
    assert encodable(cleaned)  # no surrogates: OpenCC, SQLite and JSON all take it
    assert len(cleaned) <= len(text)
    assert clean_text(cleaned) == cleaned
    assert 0.0 <= junk_ratio(text) <= 1.0


@FAST
@given(TEXT)
def test_a_question_is_either_valid_or_refused_with_a_code(text):
    try:
        q = validate_question(text, 2000)
    except InvalidQuestionError as exc:
        assert exc.code in {"question_empty", "question_binary", "question_too_long"}
        return
    assert q and q == q.strip() and encodable(q) and len(q) <= 2000


@FAST
@given(TEXT)
def test_language_script_and_tokens_never_fail_on_clean_text(text):
    text = clean_text(text)
    assert detect_lang(text) in {"zh", "en"}
    simplified = to_simplified(text)
    assert to_simplified(simplified) == simplified
    assert all(isinstance(t, str) and t.strip() for t in tokenize(text))


@FAST
@given(TEXT, st.lists(TEXT, max_size=5))
def test_follow_up_analysis_takes_any_conversation(text, history):
    q, turns = clean_text(text), [clean_text(h) for h in history]
    assert isinstance(continues(q), bool) and isinstance(contentless(q), bool)
    assert isinstance(own_words(q), str)
    turn = plan(q, turns, lambda tokens: 1.0)
    assert turn is None or isinstance(turn.context, str)


@FAST
@given(TEXT)
def test_manipulation_and_redaction_take_any_text(text):
    verdict = manipulation(text)
    assert verdict is None or isinstance(verdict, str)
    assert isinstance(normalise(text), str)
    redacted = Redactor(public=set()).redact(clean_text(text))
    assert isinstance(redacted, str)


@settings(max_examples=7, deadline=None)
@given(HUGE)
def test_100k_characters_are_refused_or_bounded_quickly(text):
    with pytest.raises(InvalidQuestionError):
        validate_question(text, 2000)
    # the history and follow-up checks cut long turns instead of reading them whole
    history = clean_history([text] * 50, 2000)
    assert len(history) <= 3 and all(len(h) <= 2000 for h in history)
    cleaned = clean_text(text)
    assert plan(cleaned, history or ["接电"], lambda tokens: 1.0) is None or (
        len(cleaned) <= LONGEST_FOLLOWUP
    )
    assert detect_lang(cleaned) in {"zh", "en"}
    assert isinstance(manipulation(text), (str, type(None)))
    assert isinstance(Redactor(public=set()).redact(cleaned), str)
