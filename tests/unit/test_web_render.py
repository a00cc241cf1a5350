from assistant.web.sources import render_source_html, source_view
from assistant.web.streaming import pieces
from tests.unit.fakes import POWER, guide, plan_unit

UNIT = plan_unit(
    9,
    "标题<b>",
    "Title",
    [
        ("第一句<script>alert(1)</script>。", "First <i>sentence</i>."),
        ("第二句要高亮。", "Second."),
    ],
    group="(二)组",
    group_en="Group two",
)


def test_source_shows_both_languages_escaped_with_the_cited_sentence_marked_in_both():
    out = render_source_html(source_view(UNIT, {"plan#9/2"}), "zh")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;i&gt;" in out
    assert "<mark>第二句要高亮。</mark>" in out and "<mark>Second.</mark>" in out
    assert "标题&lt;b&gt;" in out and "中文原文" in out
    assert "英文为非官方译文,以中文原文为准" in out
    en = render_source_html(source_view(UNIT, set()), "en")
    assert "<h4>Title</h4>" in en and "<mark>" not in en and "Chinese original prevails" in en


def test_source_view_is_the_api_shape():
    view = source_view(POWER, {"plan#22/3"})
    assert [s["highlighted"] for s in view["sentences"]] == [False, False, True]
    assert view["sentences"][2]["en"].startswith("Provide eligible")
    assert view["kind"] == "plan" and "unofficial rendering" in view["english_note"]


def test_guide_source_shows_field_labels_source_and_date():
    view = source_view(guide(), set())
    out = render_source_html(view, "en")
    assert "<b>Documents required</b> Passport" in out
    assert "last checked 2026-11-28" in out and 'rel="noopener noreferrer"' in out
    assert view["source_url"] == "https://en.hiipb.com/visas/visas1.html"


def test_stream_pieces_rebuild_the_answer():
    text = "根据第22项:\n对小微企业实行零投资。[1]\n(AI notice)"
    assert "".join(pieces(text)) == text and "[1]" in pieces(text)
