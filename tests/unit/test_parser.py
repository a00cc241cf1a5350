from pathlib import Path

import pytest

from assistant.documents.parser import ParseError, parse_document
from assistant.documents.plan import PlanKind

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def plan_units():
    return PlanKind().load(ROOT / "knowledge_base")[0]


def test_plan_has_exactly_47_numbered_tasks(plan_units):
    tasks = [u for u in plan_units if u.part == "task"]
    assert [u.ref for u in tasks] == [f"plan#{n}" for n in range(1, 48)]
    assert [u.number for u in tasks] == list(range(1, 48))


def test_plan_section_refs_in_reading_order(plan_units):
    refs = [u.ref for u in plan_units if u.part != "task"]
    assert refs == ["plan#notice", "plan#ideology", "plan#goals", "plan#requirements"]


@pytest.mark.parametrize(
    ("ref", "title", "group"),
    [
        ("plan#1", "加大创新发展政策支持力度", "(一)实施创新开放驱动行动"),
        ("plan#8", "健全“高效办成一件事”常态化机制", "(二)实施政务效能提升行动"),
        ("plan#14", "优化智慧12345服务体系", "(二)实施政务效能提升行动"),
        ("plan#22", "优化用电服务", "(三)实施要素集聚赋能行动"),
        ("plan#28", "持续降低市场准入门槛", "(四)实施市场监管增效行动"),
        ("plan#37", "深化涉企柔性执法", "(五)实施法治建设护航行动"),
        ("plan#47", "推动跨区域协同合作", "(六)实施信用体系提质行动"),
    ],
)
def test_task_titles_and_groups(plan_units, ref, title, group):
    unit = next(u for u in plan_units if u.ref == ref)
    assert unit.title == title
    assert unit.group == group
    assert unit.text.startswith(title + "。")


def test_every_task_title_is_its_first_phrase(plan_units):
    for u in plan_units:
        if u.part == "task":
            assert "。" not in u.title and u.text.startswith(u.title)
            assert 2 <= len(u.title) <= 30


def test_notice_keeps_the_contacts(plan_units):
    notice = next(u for u in plan_units if u.ref == "plan#notice")
    for fact in ("0898-66761960", "cxxhycx123@163.com", "570105", "滨海大道28号", "三个工作日"):
        assert fact in notice.text


def test_sections_hold_their_own_text(plan_units):
    by_ref = {u.ref: u for u in plan_units}
    assert "习近平新时代中国特色社会主义思想" in by_ref["plan#ideology"].text
    assert by_ref["plan#goals"].text.startswith("2026年")
    assert "2028年" in by_ref["plan#goals"].text
    req = by_ref["plan#requirements"].text
    assert req.startswith("(一)提高认识") and "(四)总结经验" in req
    # the last task must not swallow the requirements section
    assert "工作要求" not in by_ref["plan#47"].text


def test_english_titles_cover_every_unit(plan_units):
    assert all(u.title_en for u in plan_units)
    assert all(u.group_en for u in plan_units if u.part == "task")


def test_a_second_made_up_document():
    text = (FIXTURES / "made_up_plan.txt").read_text(encoding="utf-8")
    units = parse_document(text, "digital", preamble_title="通知", preamble_slug="notice")
    by_ref = {u.ref: u for u in units}
    assert list(by_ref) == [
        "digital#notice",
        "digital#general",
        "digital#goals",
        "digital#1",
        "digital#2",
        "digital#3",
        "digital#requirements",
    ]
    assert by_ref["digital#1"].title == "建设算力中心"
    assert by_ref["digital#1"].group == "(一)夯实数字基础设施"
    # (1)/(2) sub-items stay inside their task
    assert "(2)2026年投入运营" in by_ref["digital#1"].text
    assert by_ref["digital#3"].group == "(二)发展数字产业"
    # a sentence that starts with 一、 is not a heading
    assert "一、二线城市" in by_ref["digital#3"].text
    assert "成立工作专班" in by_ref["digital#requirements"].text


def test_half_width_numbering_is_accepted():
    text = "前言。\n一、重点任务\n(一)第一组\n1. 做第一件事。细节。\n2、做第二件事。\n"
    units = parse_document(text, "d")
    assert [u.ref for u in units] == ["d#preamble", "d#1", "d#2"]
    assert units[1].title == "做第一件事"


def test_documents_without_structure_are_rejected():
    with pytest.raises(ParseError):
        parse_document("只有一段话,没有任何编号。", "x")
    with pytest.raises(ParseError):
        parse_document("   ", "x")


def test_duplicate_task_numbers_are_rejected():
    with pytest.raises(ParseError, match="duplicate"):
        parse_document("一、任务\n1.甲。\n1.乙。\n", "x")
