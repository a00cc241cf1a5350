"""Small, real units and hits for tests of logic (no index, no model)."""

from __future__ import annotations

from assistant.documents.entry import EntryDoc, entry_unit
from assistant.documents.guide import GuideDoc, guide_unit
from assistant.ingest.chunking import chunk_unit
from assistant.retrieve import Retrieval
from assistant.schema import Hit, Sentence, Unit


def plan_unit(
    number: int | None,
    title: str,
    title_en: str,
    sentences: list[tuple[str, str]],
    group: str = "",
    group_en: str = "",
    ref: str | None = None,
) -> Unit:
    ref = ref or f"plan#{number}"
    return Unit(
        ref=ref,
        doc_id="plan",
        kind="plan",
        part="task" if number else "section",
        number=number,
        title=title,
        title_en=title_en,
        group=group,
        group_en=group_en,
        text="".join(zh for zh, _ in sentences),
        sentences=[
            Sentence(id=f"{ref}/{i}", zh=zh, en=en) for i, (zh, en) in enumerate(sentences, 1)
        ],
        data={
            "doc_name": "《海口市进一步优化营商环境行动方案(2026—2028年)》",
            "doc_name_en": "the Haikou action plan for the business environment (2026–2028)",
        },
    )


POWER = plan_unit(
    22,
    "优化用电服务",
    "Optimize electricity services",
    [
        ("优化用电服务。", "Optimize electricity services."),
        ("推动建设“共享营业厅”,推行“水电气网”多点可办。", "Build shared service halls."),
        (
            "对符合条件的小微企业全面推行“零上门、零审批、零投资”低压接入服务。",
            "Provide eligible small and micro enterprises with zero-visit, zero-approval, "
            "zero-investment low-voltage connection.",
        ),
    ],
    group="(三)实施要素集聚赋能行动",
    group_en="Implement the factor agglomeration and empowerment action",
)
WATER = plan_unit(
    23,
    "优化用水气网服务",
    "Optimize water, gas and network services",
    [("优化用水气网服务。", ""), ("开展城市老旧供水管道更新改造,选取部分区域试点。", "")],
)
GOALS = plan_unit(
    None,
    "工作目标",
    "Work goals",
    [("2026年,在政策红利、高效服务方面做好“加法”。", "In 2026, do “addition” on policy.")],
    ref="plan#goals",
)

GUIDE_DATA = {
    "slug": "foreigner-work-permit",
    "title": {"zh": "外国人来华工作许可", "en": "Work permit for foreigners"},
    "source_url": "https://en.hiipb.com/visas/visas1.html",
    "source_name": {"zh": "投资海口网", "en": "Invest in Haikou"},
    "last_checked": "2026-11-28",
    "other_sources": {
        "news": {
            "url": "https://example.org/news",
            "name": {"zh": "某新闻网", "en": "a news site"},
            "official": False,
        }
    },
    "source_refs": ["plan#6"],
    "fields": {
        "audience": {
            "zh": "在海口聘用外国员工的单位。",
            "en": "Employers in Haikou hiring foreigners.",
        },
        "materials": {
            "zh": ["护照", "工作合同"],
            "en": ["Passport", "Employment contract"],
            "source": "news",
        },
        "time_limit": {"zh": "审查4个工作日。", "en": "Review takes 4 working days."},
        "address": {"zh": "市民游客中心一楼。", "en": "1F Citizen Visitor Center."},
        "window": {"zh": "C04窗口。", "en": "Window C04."},
    },
}


def guide() -> Unit:
    unit = guide_unit(GuideDoc.model_validate(GUIDE_DATA))
    unit.data["rests_on"] = [
        {
            "ref": "plan#6",
            "label_zh": "第6项“提升外籍人士工作生活便利度”",
            "label_en": "Task 6 (Make work and life easier for foreigners)",
        }
    ]
    return unit


def entry() -> Unit:
    return entry_unit(
        EntryDoc(
            slug="small-business-electricity-cost",
            question={
                "zh": "小微企业接电要钱吗?",
                "en": "Do small firms pay for a grid connection?",
            },
            answer={"zh": "符合条件的不用出投资。", "en": "Eligible firms pay no investment."},
            source_refs=["plan#22"],
        )
    )


def hit(unit: Unit, score: float = 1.0, best: dict[str, int] | None = None) -> Hit:
    """A hit whose chunks are scored in reading order, or with `best` chunk ids first."""
    chunks = chunk_unit(unit)
    scored = [(c, 0.8 - 0.01 * i) for i, c in enumerate(chunks)]
    if best:
        scored = [(c, 0.95 if c.id in best else s) for c, s in scored]
    return Hit(unit=unit, score=score, dense=0.9, chunks=sorted(scored, key=lambda x: -x[1]))


def retrieval(lang: str, hits: list[Hit], relevance: float = 0.95, query: str = "q") -> Retrieval:
    return Retrieval(query=query, lang=lang, hits=hits, relevance=relevance, coverage=0.5)  # type: ignore[arg-type]
