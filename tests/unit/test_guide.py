"""The guide kind: validation that names the file and field, and answers by the part asked."""

import copy

import pytest

from assistant.answer import ExtractiveComposer
from assistant.documents.base import KnowledgeFileError
from assistant.documents.guide import GuideKind, parse_guide
from tests.unit.fakes import GUIDE_DATA, guide, hit, retrieval

KIND = GuideKind()


def answer(lang, asks, best=None):
    return ExtractiveComposer().compose(retrieval(lang, [hit(guide(), best=best)]), asks).answer


def test_materials_are_a_numbered_list_and_a_third_party_fact_says_so():
    zh = answer("zh", ["materials"])
    assert "所需材料:" in zh and "1. 护照 [1]" in zh and "2. 工作合同 [1]" in zh
    assert "仅见于非官方来源“某新闻网”" in zh
    en = answer("en", ["materials"])
    assert "1. Passport [1]" in en and "non-official source, a news site" in en


def test_where_is_address_window_and_what_is_missing_is_handed_off():
    en = answer("en", ["address"])
    assert "Address: 1F Citizen Visitor Center. [1]" in en
    assert "Window: Window C04. [1]" in en
    assert "Passport" not in en
    zh = answer("zh", ["fee", "time"])
    assert "办理时限:审查4个工作日。 [1]" in zh
    assert "没有写明收费标准或金额" in zh and "12345" in zh


def test_every_guide_answer_shows_its_source_date_and_plan_tasks():
    en = answer("en", ["time"])
    assert "https://en.hiipb.com/visas/visas1.html" in en and "last checked 2026-11-28" in en
    assert "Related plan tasks: Task 6" in en


def test_no_particular_ask_shows_the_best_matching_fields():
    en = answer("en", [], best={"guide:foreigner-work-permit:en:2"})
    assert "Time limit: Review takes 4 working days. [1]" in en


def test_missing_names_only_asks_the_guide_cannot_answer():
    assert KIND.missing(guide(), ["fee", "time", "address", "steps"], "zh") == ["fee", "steps"]


def test_a_time_stated_under_another_field_is_quoted_and_the_empty_field_still_named():
    from assistant.documents.guide import GuideDoc, guide_unit

    data = copy.deepcopy(GUIDE_DATA)
    del data["fields"]["time_limit"]
    data["fields"]["conditions"] = {
        "zh": "自签订劳动合同之日起30日内提出申请;2024年1月1日起施行。",
        "en": "Apply within 30 days of signing the contract; in force since 1 January 2024.",
    }
    unit = guide_unit(GuideDoc.model_validate(data))
    unit.data["rests_on"] = []
    assert KIND.missing(unit, ["time"], "zh") == []  # stated, so no hand-off
    en = ExtractiveComposer().compose(retrieval("en", [hit(unit)]), ["time"]).answer
    assert "Conditions: Apply within 30 days" in en
    assert "does not state how long it takes" in en
    # a date is not a duration: a guide whose only number is a date still hands off
    data["fields"]["conditions"] = {"zh": "2024年1月1日起施行。", "en": "In force since 2024."}
    dated = guide_unit(GuideDoc.model_validate(data))
    assert KIND.missing(dated, ["time"], "zh") == ["time"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["fields"].update(price={"zh": "1元", "en": "1 yuan"}), "fields.price"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["fields"]["materials"]["en"].pop(), "fields.materials"),
        (lambda d: d["fields"]["materials"].update(source="nowhere"), "other_sources"),
        (lambda d: d.pop("last_checked"), "last_checked"),
        (lambda d: d.update(source_url="ftp://x"), "source_url"),
    ],
)
def test_a_bad_guide_is_rejected_naming_file_and_field(change, where):
    data = copy.deepcopy(GUIDE_DATA)
    change(data)
    with pytest.raises(KnowledgeFileError) as err:
        parse_guide(data, "knowledge_base/guides/foreigner-work-permit.yaml")
    assert "foreigner-work-permit.yaml" in str(err.value) and where in str(err.value)


def test_guide_files_on_disk_fail_ingest_naming_the_file(tmp_path):
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "x.yaml").write_text("slug: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match=r"x\.yaml: line"):
        KIND.load(tmp_path)
    (tmp_path / "guides" / "x.yaml").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(KnowledgeFileError, match="not UTF-8"):
        KIND.load(tmp_path)
