"""Reading what readers type: Traditional characters, pinyin, and near-miss spellings.

A query in Traditional characters (中關村) is searched in Simplified (OpenCC t2s). A query of
Latin letters that is not a known English name (AIIB, Beijing E-Town are aliases and synonyms)
but spells a known word in pinyin (yizhuang, zhongguancun, or run together: yizhuangkangtiyao)
is searched as that word. A query that finds (almost) nothing may have a typo: `suggest` offers
the vocabulary word one character away (投代联动 → 投贷联动), homophones first (代 and 贷 are
both dai).

The vocabulary is what editors and the site name things by: region and channel names and
aliases, the synonym list, the search terms and the most used tag names. Its words are kept in
the shared cache (reset when a region, channel or tag changes); each process builds its pinyin
and near-miss indexes from them once per version.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from functools import cache, lru_cache

from django.core.cache import cache as shared_cache
from django.db.models import Count

from articles.search import segmentation

logger = logging.getLogger(__name__)

VOCABULARY_KEY = "articles:search:vocabulary:v1"
MAX_TAGS = 3000
# A Chinese run longer than this is not checked for typos (a pasted paragraph, not a query).
MAX_TYPO_RUN = 40
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_QUERY = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_NOT_LETTER = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class Reading:
    """How a query was read: `typed` by the reader, `searched` for; `reason` is "traditional",
    "pinyin" or "" (searched as typed)."""

    typed: str
    searched: str
    reason: str = ""


def read_query(q, literal=False):
    """The words to search for when the reader typed `q` (`literal`: exactly as typed)."""
    if not q or literal:
        return Reading(q, q)
    converted = simplified(q)
    if converted != q:
        return Reading(q, converted, "traditional")
    chinese = from_pinyin(q)
    if chinese:
        return Reading(q, chinese, "pinyin")
    return Reading(q, q)


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text):
    """`text` in Simplified characters; unchanged if OpenCC cannot be loaded."""
    if not _HAN.search(text or ""):
        return text
    try:
        return _converter().convert(text)
    except Exception as exc:  # a missing or broken OpenCC must never fail a search
        logger.warning("OpenCC unavailable, query searched as typed: %r", exc)
        return text


def pinyin_key(word):
    """`word` in toneless pinyin, lower case, letters and digits only: 亦庄 → yizhuang."""
    from pypinyin import lazy_pinyin

    return _NOT_LETTER.sub("", "".join(lazy_pinyin(word)).lower())


@lru_cache(maxsize=4096)
def _char_pinyin(char):
    return pinyin_key(char)


def from_pinyin(q):
    """The Chinese words `q` spells in pinyin (each space-separated part whole, or run-together
    words), or "" when `q` is not all Latin letters, is a known English name, or spells no word."""
    text = segmentation.search_term(q)
    if not _LATIN_QUERY.match(text):
        return ""
    index = _index()
    if text in index.known:
        return ""
    parts, converted = [], False
    for piece in text.split():
        if piece in index.known:
            parts.append(piece)
            continue
        words = _split(piece, index.pinyin, index.longest_key)
        if not words:
            return ""
        parts.extend(words)
        converted = True
    return " ".join(parts) if converted else ""


def _split(letters, pinyin, longest):
    """The fewest vocabulary words whose pinyin, run together, is `letters`; [] when none."""
    best = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - longest), end):
            word = pinyin.get(letters[start:end])
            if word and best[start] is not None and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = [*best[start], word]
    return best[-1] or []


def suggest(q):
    """`q` with one typo corrected against the vocabulary (Traditional read as Simplified), or ""."""
    text = segmentation.normalise_query(simplified(q))
    index = _index()
    corrected = text
    for run in _HAN_RUN.findall(text):
        if len(run) <= MAX_TYPO_RUN:
            fix = _best_fix(run, index)
            if fix:
                corrected = corrected.replace(run, fix, 1)
    return corrected if corrected != text else ""


def _best_fix(run, index):
    """`run` with the best one-character substitution that makes a vocabulary word, or ""."""
    best = None
    for length in index.lengths:
        for start in range(len(run) - length + 1):
            window = run[start : start + length]
            if window in index.known:
                continue
            for i in range(length):
                for word in index.near.get(window[:i] + "\0" + window[i + 1 :], ()):
                    homophone = _char_pinyin(window[i]) == _char_pinyin(word[i])
                    if length == 2 and not homophone:
                        continue  # a two-character word with any one character changed is mostly noise
                    score = (homophone, length)
                    if best is None or score > best[0]:
                        best = (score, run[:start] + word + run[start + length :])
    return best[1] if best else ""


def words():
    """The vocabulary, search-normalised, in order of precedence (regions and channels first)."""
    return _stored()[1]


def forget():
    try:
        shared_cache.delete(VOCABULARY_KEY)
    except Exception as exc:
        logger.warning("Search vocabulary cache unavailable: %r", exc)


def _stored():
    """(version, words) from the shared cache, loaded from the database on a miss."""

    def load():
        from taggit.models import Tag

        tags = (
            Tag.objects.annotate(uses=Count("taggit_taggeditem_items"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)[:MAX_TAGS]
        )
        found = [w for group in segmentation.taxonomy_groups() for w in group]
        found += [w for group in segmentation.synonym_groups() for w in group]
        found += [segmentation.search_term(w) for w in segmentation.search_terms()]
        found += [segmentation.search_term(t) for t in tags]
        return uuid.uuid4().hex, list(dict.fromkeys(found))

    try:
        stored = shared_cache.get_or_set(VOCABULARY_KEY, load, 60 * 60)
    except Exception as exc:
        logger.warning("Search vocabulary cache unavailable: %r", exc)
        stored = load()
    return stored


@dataclass(frozen=True)
class _Index:
    known: frozenset
    pinyin: dict
    longest_key: int
    near: dict
    lengths: tuple


_built = {}


def _index():
    """This process's indexes of the current vocabulary, built once per vocabulary version."""
    version, vocabulary = _stored()
    index = _built.get(version)
    if index is None:
        index = _build(vocabulary)
        _built.clear()
        _built[version] = index
    return index


def _build(vocabulary):
    pinyin, near = {}, {}
    for word in vocabulary:
        if not _HAN.search(word):
            continue
        key = pinyin_key(word)
        if key:
            pinyin.setdefault(key, word)
        if _HAN_RUN.fullmatch(word) and len(word) >= 2:
            for i in range(len(word)):
                near.setdefault(word[:i] + "\0" + word[i + 1 :], []).append(word)
    lengths = tuple(sorted({len(w) for w in vocabulary if _HAN_RUN.fullmatch(w) and len(w) >= 2}, reverse=True))
    return _Index(
        known=frozenset(vocabulary),
        pinyin=pinyin,
        longest_key=max(map(len, pinyin), default=0),
        near=near,
        lengths=lengths,
    )
