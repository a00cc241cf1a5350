"""Hybrid, language-aware retrieval: dense e5 + BM25, fused by how much evidence each has.

The index holds every unit in Chinese and, where it has one, in English; a query meets
both. Plain reciprocal-rank fusion trusts BM25 as much on an English query against
Chinese text (where it can only rank noise) as on a Chinese query. Here the lexical side
is weighted by the query's *coverage*: the share of its idf mass that the corpus
vocabulary can match. English queries are also expanded with the official Chinese terms
the glossary knows, which lets them meet the Chinese original too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from assistant.index.tokenize import tokenize
from assistant.lang import detect_lang, to_simplified
from assistant.retrieve.fusion import LEXICAL_WEIGHT, fuse, rank, relevance_of
from assistant.schema import Chunk, Hit, Lang

if TYPE_CHECKING:
    from assistant.index.store import Index
    from assistant.providers.embeddings import BaseEmbeddings
    from assistant.retrieve.adapter import QueryAdapter
    from assistant.retrieve.expansion import Glossary

# Official Chinese terms appended to an English query's vector. Before the plan had an
# English text this was 8 (it lifted dev en recall@1 0.91 -> 1.0); with English text to
# meet, the terms pull the vector away from it (dev en recall@1 0.72 at 8, 0.86 at 0), so
# they now feed keyword search only.
DENSE_TERMS = 0
SENTENCE_LEXICAL = 0.1
# Of a query (a question with its follow-up context) this much is searched: about one e5
# window (512 tokens) of Chinese. e5 embeds every window of a longer text, and the cost
# grows faster than the length (measured: 480 characters 0.5 s, 1,000 characters 1.3 s).
MAX_QUERY_CHARS = 500
FOCUS_NEAR = 0.9  # share of the best score within which a unit naming the subject goes first
SCOPE_KINDS = ("plan", "guide", "entry")  # the kinds whose closeness the scope model reads
DISTINCTIVE_SHARE = 0.05  # a word in more than this share of chunks names no subject
# An alias chunk (a unit's everyday words, Unit.aliases) is a short list that
# lies close to many short questions; its cosine counts this much less than the unit's own
# text. Chosen on the dev sets (dev-en, dev2, dev3, dev4-en, dev-guides, dev-entries):
# recall@1 en 0.869 / zh 0.875 without aliases; with them at 0: 0.876 / 0.891 (plan
# questions up, FAQ and guide questions lost to the plan task they rest on), 0.01:
# 0.889 / 0.906, 0.02: 0.876 / 0.906, 0.04: 0.858 / 0.887.
ALIAS_DISCOUNT = 0.01


@dataclass
class Retrieval:
    """What a search found, and the evidence the answer and the refusal rest on."""

    query: str
    lang: Lang
    hits: list[Hit]
    relevance: float  # calibrated against the refusal threshold
    coverage: float
    # the share of the query's information (idf mass) the best unit's own words hold: a
    # question whose words are spread over the corpus but not in one unit is seldom ours
    held: float = 0.0
    expansions: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    vector: np.ndarray | None = None  # the query's embedding, for the scope decision
    focus: str = ""  # a follow-up's own words: quoted sentences are chosen for them
    unmentioned: dict[str, list[str]] = field(default_factory=dict)  # focus words a unit lacks
    focus_words: list[str] = field(default_factory=list)  # the focus's words that name a subject
    # The closest chunk of each kind among the dense candidates (the weakest candidate's
    # similarity when a kind has none there): evidence for the scope decision.
    best_by_kind: dict[str, float] = field(default_factory=dict)

    def speaks_of_focus(self, ref: str) -> bool:
        """The unit names at least one of the follow-up's subject words (or it has none)."""
        return not self.focus_words or len(self.unmentioned.get(ref, [])) < len(self.focus_words)


class HybridSearcher:
    """Query → ranked units with their matching sentences."""

    def __init__(
        self,
        index: Index,
        embeddings: BaseEmbeddings,
        glossary: Glossary,
        synonyms: Glossary | None = None,
        candidates: int = 40,
        lexical_weight: dict[str, float] | None = None,
        dense_terms: int = DENSE_TERMS,
        adapter: QueryAdapter | None = None,
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.glossary = glossary
        self.synonyms = synonyms
        self.candidates = candidates
        self.lexical_weight = lexical_weight or dict(LEXICAL_WEIGHT)
        self.dense_terms = dense_terms
        self.adapter = adapter
        # the units the adapter has not seen (a new FAQ entry); an index is never changed
        # in place (a new one is swapped in with a new searcher)
        self._unseen = frozenset(r for r in index.units if adapter and not adapter.knows(r))

    def question_vector(self, query: str) -> tuple[np.ndarray, Lang]:
        """The question's plain e5 vector, as the search makes it, and its language."""
        text = to_simplified(query.strip()[:MAX_QUERY_CHARS])
        lang = detect_lang(text)
        return self._vector(text, lang), lang

    def _vector(self, text: str, lang: Lang) -> np.ndarray:
        """e5's vector of the cleaned question; an English one with the glossary's official
        terms glossed in."""
        wanted = self.dense_terms if lang == "en" else 0
        dense_terms = self._expand(text, lang)[:wanted] if wanted else []
        dense_text = self.glossary.gloss(text) if lang == "en" else text
        return self.embeddings.embed_query_array(" ".join([dense_text, *dense_terms]))

    def _dense(self, qvec: np.ndarray) -> list[tuple[Chunk, float]]:
        """The nearest chunks. With the query adapter, by the mapped vector; a unit the
        adapter was not trained with keeps the better of its plain and mapped cosines."""
        if self.adapter is None:
            return self.index.dense_search(qvec, k=self.candidates)
        mapped = self.index.dense_search(self.adapter.apply(qvec), k=self.candidates)
        if not self._unseen:
            return mapped
        best = {chunk.id: (chunk, sim) for chunk, sim in mapped}
        for chunk, sim in self.index.dense_search(qvec, k=self.candidates):
            if chunk.ref in self._unseen and sim > best.get(chunk.id, (chunk, -2.0))[1]:
                best[chunk.id] = (chunk, sim)
        return sorted(best.values(), key=lambda x: -x[1])

    def search(self, query: str, lang: Lang | None = None, k: int = 5) -> Retrieval:
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        # e5 reads 512 tokens; a longer query would only cost more (it embeds every window).
        text = to_simplified(query.strip()[:MAX_QUERY_CHARS])
        lang = lang or detect_lang(text)
        expansions = self._expand(text, lang)

        t = time.perf_counter()
        # Chinese synonyms feed keywords only: on the dev sets, adding them to the dense
        # query too cut refusal recall (0.81 -> 0.72) for a small gain in false refusals.
        qvec = self._vector(text, lang)
        timings["embed"] = _ms(t)

        t = time.perf_counter()
        dense_hits = self._dense(qvec)
        timings["dense"] = _ms(t)

        t = time.perf_counter()
        tokens = tokenize(" ".join([text, *expansions]))
        lexical = self.index.lexical
        coverage = lexical.coverage(tokens)
        bm = lexical.scores(tokens)
        timings["lexical"] = _ms(t)

        t = time.perf_counter()
        # A unit is as close as its closest chunk (adding its second-best chunk was
        # measured on dev and cost recall@1 in both languages: it favours long units).
        dense_hits = [
            (c, sim - ALIAS_DISCOUNT if c.searched_only else sim) for c, sim in dense_hits
        ]
        dense_unit: dict[str, float] = {}
        for chunk, sim in dense_hits:
            dense_unit[chunk.ref] = max(sim, dense_unit.get(chunk.ref, -1.0))
        lex_unit: dict[str, float] = {}
        order = np.argsort(-bm)[: self.candidates]
        for i in order:
            if bm[i] <= 0:
                break
            ref = self.index.chunks[int(i)].ref
            lex_unit[ref] = max(float(bm[i]), lex_unit.get(ref, 0.0))
        # A unit found only by keywords gets the weakest dense score seen, not zero.
        floor = min(dense_unit.values(), default=0.0)
        for ref in lex_unit:
            dense_unit.setdefault(ref, floor)
        best_by_kind = {kind: floor for kind in SCOPE_KINDS}
        for chunk, sim in dense_hits:
            kind = self.index.units[chunk.ref].kind
            if kind in best_by_kind:
                best_by_kind[kind] = max(best_by_kind[kind], sim)
        fused = fuse(dense_unit, lex_unit, coverage, self.lexical_weight[lang])
        ranked = rank(fused, dense_unit, k)
        top_lex = max(lex_unit.values(), default=0.0)
        hits = [
            Hit(
                unit=self.index.units[r],
                score=fused[r],
                dense=dense_unit.get(r, 0.0),
                lexical=lex_unit.get(r, 0.0) / top_lex if top_lex else 0.0,
            )
            for r in ranked
        ]
        self._attach_chunks(hits, qvec, bm, coverage)
        timings["fuse"] = _ms(t)
        relevance = relevance_of(hits, coverage)
        held = lexical.coverage(tokens, self.index.unit_tokens(hits[0].unit.ref)) if hits else 0.0
        timings["retrieve"] = _ms(t0)
        return Retrieval(
            query=query,
            lang=lang,
            hits=hits,
            relevance=relevance,
            coverage=coverage,
            held=held,
            expansions=expansions,
            timings_ms=timings,
            vector=qvec,
            best_by_kind=best_by_kind,
        )

    def refocus(self, retrieval: Retrieval, focus: str) -> None:
        """Rank each hit's sentences by `focus` (a follow-up's own words, "外地企业"),
        so the answer is about what the follow-up asked, not a repeat of the last one."""
        retrieval.focus = focus
        text = to_simplified(focus)
        qvec = self.embeddings.embed_query_array(text)
        tokens = tokenize(text)
        lexical = self.index.lexical
        bm = lexical.scores(tokens)
        self._attach_chunks(retrieval.hits, qvec, bm, lexical.coverage(tokens))
        # Words found in many chunks (企业, company) say nothing about a subject, nor does
        # one Chinese character (跟 in "用水跟燃气").
        distinctive = [
            t
            for t in tokens
            if lexical.df.get(t, 0) <= DISTINCTIVE_SHARE * lexical.n_docs
            and (t.isascii() or len(t) > 1)
        ]
        retrieval.focus_words = distinctive
        for hit in retrieval.hits:
            have = self.index.unit_tokens(hit.unit.ref)
            text = to_simplified(hit.unit.text)
            retrieval.unmentioned[hit.unit.ref] = [
                t for t in distinctive if t not in have and (t.isascii() or t not in text)
            ]
        # Among units that retrieve about as well as the best, one that speaks of the
        # follow-up's subject ("what about water?") comes first; a unit far down the list
        # does not jump ahead just for naming it (外地 in an unrelated FAQ).
        top = retrieval.hits[0].score if retrieval.hits else 0.0
        retrieval.hits.sort(
            key=lambda h: (h.score < FOCUS_NEAR * top, bool(retrieval.unmentioned[h.unit.ref]))
        )

    def known_share(self, words: str) -> float:
        """How much of `words` the knowledge base knows, a word the glossary or the synonyms
        lead to its terms ("工厂" to 工业企业, "technicians" to 技能人才) counting as known."""
        text = to_simplified(words)
        lang = detect_lang(text)
        words_list = self._words_list(lang)
        if words_list is None:
            return self.index.known_share(tokenize(text))
        rest = words_list.without_keys(text)
        return self.index.known_share(tokenize(" ".join([rest, *words_list.expand(text)])))

    def _words_list(self, lang: Lang) -> Glossary | None:
        """The user's words to the official terms: the glossary for English, the synonyms
        for Chinese."""
        return self.glossary if lang == "en" else self.synonyms

    def _expand(self, text: str, lang: Lang) -> list[str]:
        words_list = self._words_list(lang)
        return words_list.expand(text) if words_list else []

    def _attach_chunks(
        self, hits: list[Hit], qvec: np.ndarray, bm: np.ndarray, coverage: float
    ) -> None:
        """Score every chunk of the hit units: similarity plus keyword evidence."""
        if not hits:
            return
        vectors = self.index.chunk_vectors([h.unit.ref for h in hits])
        top_bm = float(bm.max()) if bm.size and bm.max() > 0 else 0.0
        for hit in hits:
            scored: list[tuple[Chunk, float]] = []
            for chunk in self.index.chunks_of(hit.unit.ref):
                if chunk.id not in vectors or chunk.searched_only:
                    continue  # aliases find a unit; only its own text is quoted
                sim = float(vectors[chunk.id] @ qvec)
                lex = float(bm[self.index.position[chunk.id]]) / top_bm if top_bm else 0.0
                scored.append((chunk, sim + SENTENCE_LEXICAL * coverage * lex))
            hit.chunks = sorted(scored, key=lambda x: x[1], reverse=True)


def _ms(t: float) -> float:
    return (time.perf_counter() - t) * 1000.0
