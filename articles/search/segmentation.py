"""Chinese segmentation for search: jieba with the site's own words, synonyms and region names.

Chinese has no spaces between words, so documents and queries are both cut with jieba (its
dictionary ships in the package) before PostgreSQL sees them. jieba is loaded lazily, once
per process (about a second and 55 MB). Region names and aliases are added as words and
treated as synonyms of each other, read from the shared cache and reset when a region changes.
"""

import logging
import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

from django.core.cache import cache as shared_cache

from articles.models import Region

_WORD = re.compile(r"^\w+$")
_HERE = Path(__file__).resolve().parent
REGION_WORDS_KEY = "articles:search:region-words:v1"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

_lock = threading.Lock()
_tokenizer = None
_added_words = set()


def _read_list(name):
    lines = (_HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@cache
def _static_synonym_groups():
    return [
        tuple(w.strip().lower() for w in line.replace("，", ",").split(",") if w.strip())
        for line in _read_list("synonyms.txt")
    ]


def _region_groups():
    """[(name, alias, …)] for every region; cached in the shared cache, reset when a region changes."""

    def load():
        return [
            tuple(w.lower() for w in (region.name, *region.alias_list))
            for region in Region.objects.only("name", "aliases")
        ]

    return shared_cache.get_or_set(REGION_WORDS_KEY, load, 60 * 60)


def forget_region_words():
    shared_cache.delete(REGION_WORDS_KEY)


def _get_tokenizer():
    """jieba, loaded lazily and once per process (about a second and 55 MB)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in _read_list("search_terms.txt"):
                    tokenizer.add_word(word)
                for group in _static_synonym_groups():
                    for word in group:
                        tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def tokenizer_with_regions():
    tokenizer = _get_tokenizer()
    groups = _region_groups()
    with _lock:
        for group in groups:
            for word in group:
                if word not in _added_words:
                    tokenizer.add_word(word)
                    _added_words.add(word)
    return tokenizer, groups


def normalise(text):
    return unicodedata.normalize("NFKC", text or "").lower()


def segment(text, tokenizer=None):
    """Index-time tokens: every word and its sub-words (`cut_for_search`), punctuation dropped."""
    tokenizer = tokenizer or tokenizer_with_regions()[0]
    return [t for t in tokenizer.cut_for_search(normalise(text)) if is_word(t)]


def is_word(token):
    return bool(_WORD.match(token))


def normalise_query(q):
    """The query as searched: NFKC (full-width to half-width), lower case, at most 200 characters."""
    return normalise(q).strip()[:MAX_QUERY_LENGTH]


def query_terms(q):
    """Groups of alternatives, one group per query word: [("亦庄", "北京经济技术开发区", "经开区"), ("抗体",)].

    Each word of the query is one group; the group also holds its synonyms and region
    aliases, so 亦庄 finds 北京经济技术开发区 and the other way round.
    """
    tokenizer, region_groups = tokenizer_with_regions()
    synonyms = {}
    for group in (*_static_synonym_groups(), *region_groups):
        for word in group:
            synonyms.setdefault(word, set()).update(group)
    groups, seen = [], set()
    for token in tokenizer.cut(normalise_query(q)):
        if not is_word(token) or token in seen:
            continue
        seen.add(token)
        alternatives = [token, *sorted(synonyms.get(token, set()) - {token})]
        groups.append(tuple(alternatives))
        if len(groups) == MAX_TERMS:
            break
    return groups


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def bigrams(text):
    """The distinct pairs of adjacent Chinese characters in `text`, in order.

    Indexed beside the words (weight D), they let a query match inside words that jieba
    cut differently in the story (抗体药 in 抗体药物): recall as good as LIKE, with the
    index's speed.
    """
    pairs = (run[i : i + 2] for run in _HAN_RUN.findall(normalise(text)) for i in range(len(run) - 1))
    return list(dict.fromkeys(pairs))
