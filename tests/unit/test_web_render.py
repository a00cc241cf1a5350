from types import SimpleNamespace

from assistant.schema import Answer, Citation, Unit
from assistant.web.streaming import pieces
from assistant.web.ui import render_answer, render_source

UNIT = Unit(
    ref="plan#9",
    doc_id="plan",
    kind="task",
    number=9,
    title="标题<b>",
    title_en="Title",
    group="(二)组",
    group_en="Group two",
    text="第一句<script>alert(1)</script>。\n第二句要高亮。第三句。",
)
SERVICES = SimpleNamespace(index=SimpleNamespace(units={UNIT.ref: UNIT}))


def test_source_is_escaped_and_quotes_are_marked():
    out = render_source(SERVICES, "plan#9", ["第二句要高亮。"], "zh")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<mark>第二句要高亮。</mark>" in out
    assert "标题&lt;b&gt;" in out
    assert "Title" in render_source(SERVICES, "plan#9", [], "en")
    assert render_source(SERVICES, "plan#404", [], "zh") == ""


def test_answer_lists_numbered_sources_in_its_language():
    ans = Answer(
        question="q",
        lang="en",
        answer="text [1]",
        refused=False,
        citations=[Citation(n=1, ref="plan#9", title="Title", score=1.0, snippet="s")],
    )
    assert render_answer(ans).endswith("Sources:\n[1] plan#9 Title")


def test_stream_pieces_rebuild_the_answer():
    text = "根据第22项:\n对小微企业实行零投资。[1]\n(AI notice)"
    assert "".join(pieces(text)) == text and "[1]" in pieces(text)
