import doctest

import numpy as np
import pytest

from assistant.index.store import LexicalIndex
from assistant.retrieve import fuse, fusion, minmax


def test_fuse_doctest():
    assert doctest.testmod(fusion).failed == 0


def test_minmax_edges():
    assert minmax({}) == {}
    assert minmax({"a": 0.8}) == {"a": 1.0}
    assert minmax({"a": 0.8, "b": 0.8}) == {"a": 1.0, "b": 1.0}
    assert minmax({"a": 1.0, "b": 0.5, "c": 0.0}) == {"a": 1.0, "b": 0.5, "c": 0.0}


def test_zero_coverage_is_pure_dense_order():
    dense = {"a": 0.90, "b": 0.85, "c": 0.80}
    lexical = {"c": 30.0, "b": 5.0}
    fused = fuse(dense, lexical, coverage=0.0)
    assert sorted(fused, key=fused.get, reverse=True) == ["a", "b", "c"]


def test_lexical_weight_grows_with_coverage():
    dense = {"a": 0.90, "b": 0.85}
    lexical = {"b": 10.0}
    low = fuse(dense, lexical, coverage=0.2, weight=0.7)
    high = fuse(dense, lexical, coverage=1.0, weight=0.7)
    assert low["a"] > low["b"]
    assert high["b"] > high["a"]


def test_unit_found_only_by_keywords_still_ranks():
    fused = fuse({"a": 0.9, "b": 0.8}, {"z": 4.0}, coverage=1.0)
    assert "z" in fused and fused["z"] > 0


class _FakeBM25:
    def get_scores(self, tokens):
        return np.ones(3) * len(tokens)


def test_coverage_is_the_matched_share_of_idf_mass():
    lex = LexicalIndex(bm25=_FakeBM25(), df={"用电": 1, "企业": 3}, n_docs=3)
    assert lex.coverage([]) == 0.0
    assert lex.coverage(["用电", "企业"]) == 1.0
    assert lex.coverage(["customs", "seafood"]) == 0.0
    part = lex.coverage(["用电", "unknownword"])
    assert 0.0 < part < 1.0
    # within one unit's words: the share of the query that unit holds
    assert lex.coverage(["用电", "企业"], within={"企业"}) == pytest.approx(
        lex.idf("企业") / (lex.idf("用电") + lex.idf("企业"))
    )
    assert lex.coverage(["用电"], within=set()) == 0.0
    # unknown words never reach BM25
    assert lex.scores(["unknownword"]).sum() == 0
    assert lex.scores(["用电", "unknownword"]).tolist() == [1.0, 1.0, 1.0]


def test_ties_are_broken_by_the_closer_vector_then_the_ref_whatever_the_insertion_order():
    dense = {"plan#19": 0.80, "entry:x": 0.88, "entry:y": 0.88}  # all three fuse to 0.5
    lexical = {"plan#19": 9.0}
    orders = [list(dense), list(reversed(dense))]
    ranked = [
        fusion.rank(fuse({r: dense[r] for r in o}, lexical, 1.0, 0.5), dense, 3) for o in orders
    ]
    assert ranked[0] == ranked[1] == ["entry:x", "entry:y", "plan#19"]
