"""The scope classifier: place flags, features, a fit that round-trips as plain numbers."""

from pathlib import Path

import numpy as np
import pytest

from assistant.answer.scope import EVIDENCE, N_RETRIEVAL, Places, ScopeModel, features
from assistant.answer.scope_train import fit, load_training
from tests.unit.fakes import POWER, hit, retrieval

PLACES = Places.load(
    Path(__file__).resolve().parents[2] / "knowledge_base" / "scope" / "places.yaml"
)


@pytest.mark.parametrize(
    ("question", "flags"),
    [
        ("三亚的营商环境政策有哪些?", (1.0, 0.0)),
        ("三亞的營商環境政策有哪些?", (1.0, 0.0)),  # Traditional script too
        ("How do I register a company in Singapore?", (1.0, 0.0)),
        ("我在深圳,能在海口注册公司吗?", (0.0, 1.0)),  # Haikou is the subject
        ("Will there be more flights between Haikou and Beijing?", (0.0, 1.0)),
        ("Are permits from Guangdong recognised here? mutual recognition", (0.0, 0.0)),
        ("接电要钱吗?", (0.0, 0.0)),
    ],
)
def test_place_flags(question, flags):
    assert PLACES.flags(question) == flags


def test_features_are_vector_evidence_language_and_places():
    vec = np.ones(8, dtype=np.float32)
    found = retrieval("en", [hit(POWER)])
    found.best_by_kind = {"plan": 0.8, "guide": 0.6, "entry": 0.7}
    found.held = 0.25
    row = features("How much for power in Shanghai?", found, vec, PLACES)
    assert row.shape == (8 + N_RETRIEVAL + 1 + 2,)
    assert row[8 + EVIDENCE.index("held")] == 0.25
    # the evidence ends with the closest plan, guide and entry chunk, in that order
    assert np.allclose(row[8 + N_RETRIEVAL - 3 : 8 + N_RETRIEVAL], [0.8, 0.6, 0.7])
    lang, other, home = row[8 + N_RETRIEVAL :]
    assert (lang, other, home) == (1.0, 1.0, 0.0)


def test_fit_separates_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    x_in = rng.normal(1.0, 0.5, size=(80, 4))
    x_out = rng.normal(-1.0, 0.5, size=(80, 4))
    x = np.vstack([x_in, x_out])
    y = np.array([1] * 80 + [0] * 80)
    langs = np.array(["zh", "en"] * 80)
    model = fit(x, y, langs, "fake-model")
    assert model.metrics["zh"]["cv_false_refusals"] <= 0.05
    assert model.metrics["en"]["cv_out_of_scope_refused"] >= 0.95
    model.save(tmp_path / "m.json")
    again = ScopeModel.load(tmp_path / "m.json")
    assert again is not None and again.cuts == model.cuts
    assert again.p_in_scope(np.ones(4)) > 0.9 > 0.1 > again.p_in_scope(-np.ones(4))
    assert again.cut("接电要钱吗") == again.cuts["zh"] and again.cut("power?") == again.cuts["en"]


def test_the_shipped_numbers_are_the_weighted_fit():
    """The vector's dimensions count VECTOR_WEIGHT in the fit; the model ships that as a
    larger scale, and its probabilities are the fitted pipeline's."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from assistant.answer.scope import REGULARISATION, VECTOR_WEIGHT

    rng = np.random.default_rng(1)
    n_vector = 6
    x = rng.normal(size=(120, n_vector + N_RETRIEVAL + 3))
    y = (x[:, 0] + x[:, n_vector] > 0).astype(int)
    langs = np.array(["zh", "en"] * 60)
    model = fit(x, y, langs, "fake-model")
    z = StandardScaler().fit_transform(x)
    z[:, :n_vector] *= VECTOR_WEIGHT
    expected = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(z, y).predict_proba(z)[:, 1]
    shipped = np.array([model.p_in_scope(row) for row in x])
    assert np.allclose(shipped, expected, atol=1e-4)


def test_training_files_take_in_scope_labels_or_gold(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text(
        '{"q": "接电要钱吗", "in_scope": true}\n'
        '{"id": "x", "lang": "zh", "q": "讲个笑话", "gold": []}\n'
        '{"id": "y", "lang": "zh", "turns": ["a", "b"], "gold": []}\n',
        encoding="utf-8",
    )
    assert load_training([f]) == [
        {"q": "接电要钱吗", "in_scope": True},
        {"q": "讲个笑话", "in_scope": False},
    ]
    f.write_text('{"q": 3}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.jsonl:1"):
        load_training([f])


def scope_served(tmp_path, evidence=EVIDENCE, query_adapter: str = "", adapter_on: bool = True):
    """The scope the service uses when the shipped classifier.json was made with `evidence`
    and the query adapter `query_adapter` (its digest; "": none)."""
    from assistant.config import Settings
    from assistant.services import Services

    kb = tmp_path / "kb"
    settings = Settings(
        data_dir=tmp_path / "data", kb_dir=kb, embedding_mode="fake", query_adapter=adapter_on
    )
    services = Services(settings)
    ScopeModel(
        mean=[0.0],
        scale=[1.0],
        coef=[1.0],
        intercept=0.0,
        cuts={"zh": 0.5, "en": 0.5},
        embedding_model=services.embeddings.model_id,
        evidence=list(evidence),
        query_adapter=query_adapter,
    ).save(kb / "scope" / "classifier.json")
    return services.scope


def test_a_classifier_trained_on_other_evidence_is_not_used(tmp_path, caplog):
    """A classifier.json from before a feature was added would read its numbers against
    the wrong features: the service falls back to the relevance threshold and says so."""
    assert scope_served(tmp_path) is not None
    assert scope_served(tmp_path, EVIDENCE[:-1]) is None
    assert "retrain" in caplog.text


def test_a_classifier_trained_with_another_query_adapter_is_not_used(tmp_path, caplog):
    """The adapter changes the retrieval evidence the classifier reads: a classifier made
    with another adapter, or with none, is not used with this one."""
    from assistant.retrieve.adapter import ADAPTER_FILE, QueryAdapter

    assert scope_served(tmp_path) is not None  # no adapter shipped, none used in training
    path = tmp_path / "kb" / ADAPTER_FILE
    QueryAdapter(
        matrix=np.eye(256, dtype=np.float32),
        embedding_model="fake-ngram-256",
        refs=frozenset({"plan#1"}),
    ).save(path)
    digest = QueryAdapter.load(path).digest
    assert scope_served(tmp_path, query_adapter=digest) is not None
    assert scope_served(tmp_path, query_adapter="") is None
    assert scope_served(tmp_path, query_adapter="0" * 64) is None
    # the operator turned the adapter off
    assert scope_served(tmp_path, query_adapter=digest, adapter_on=False) is None
    assert "query adapter" in caplog.text


def test_the_shipped_classifier_is_the_one_the_default_settings_use(tmp_path):
    """A change of embedding model or engine, or of the evidence, must come with a retrained
    classifier (`make calibrate`); otherwise the service silently falls back to the cruder
    relevance threshold."""
    from assistant.config import PROJECT_ROOT, Settings
    from assistant.services import Services

    services = Services(Settings(data_dir=tmp_path, kb_dir=PROJECT_ROOT / "knowledge_base"))
    shipped = ScopeModel.load(PROJECT_ROOT / "knowledge_base" / "scope" / "classifier.json")
    assert shipped is not None
    assert shipped.embedding_model == services.embeddings.model_id
    assert shipped.evidence == list(EVIDENCE)
    assert services.query_adapter is not None
    assert shipped.query_adapter == services.query_adapter.digest
    assert services.scope is not None


def test_the_shipped_query_adapter_was_trained_with_every_shipped_unit():
    """Knowledge added to the shipped files comes with a retrained adapter (`make
    calibrate`); a unit it never saw is still found, by its plain similarity."""
    from assistant.config import PROJECT_ROOT
    from assistant.ingest.corpus import load_corpus
    from assistant.retrieve.adapter import ADAPTER_FILE, QueryAdapter

    kb = PROJECT_ROOT / "knowledge_base"
    adapter = QueryAdapter.load(kb / ADAPTER_FILE)
    assert adapter is not None
    shipped = {u.ref for u in load_corpus(kb).units}
    assert shipped <= adapter.refs, sorted(shipped - adapter.refs)
