"""Chinese segmentation for search: jieba with the site's own words, synonyms and region names.

Chinese has no spaces between words, so documents and queries are both cut with jieba (its
dictionary ships in the package) before PostgreSQL sees them. jieba is loaded lazily, once
per process (about a second and 55 MB). Region and channel names and their aliases are added
as words and treated as synonyms of each other, read from the shared cache and reset when a
region or channel changes.

A synonym or alias of several words (beijing e-town) is never a jieba word: a query holding
it keeps it whole as one term, and a term matches as the AND of its words (`lexemes`), which
is how documents hold it. What a term may contain is the taxonomy's rule (`is_search_term`);
a synonym line that breaks it is skipped with a warning.
"""

import logging
import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from django.core.cache import cache as shared_cache

from articles.models import Channel, Region
from articles.models.taxonomy import is_search_term, split_terms

logger = logging.getLogger(__name__)

_WORD = re.compile(r"^\w+$")
_HAS_WORD = re.compile(r"\w")
_HERE = Path(__file__).resolve().parent
SYNONYMS_PATH = _HERE / "synonyms.txt"
SEARCH_TERMS_PATH = _HERE / "search_terms.txt"
REGION_WORDS_KEY = "articles:search:region-words:v3"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

_lock = threading.Lock()
_tokenizer = None
_added_words = set()


def _read_lines(path):
    """(line number, text) for each line of a word list that is neither blank nor a # comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        (number, line.strip())
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.strip().startswith("#")
    ]


def search_term(text):
    """A word, synonym or alias as search compares it: NFKC, lower case, single spaces."""
    return " ".join(normalise(text).split())


def parse_synonyms(lines, source="synonyms.txt"):
    """Synonym groups from (line number, text) pairs, one comma-separated group a line.

    A line holding a term that can never be searched for (tsquery syntax, other punctuation)
    is skipped with a logged warning, so one bad edit to the list cannot break search.
    """
    groups = []
    for number, line in lines:
        terms = split_terms(line)
        bad = [term for term in terms if not is_search_term(term)]
        if bad:
            logger.warning(
                "%s line %d skipped: %s cannot be searched for (letters, digits, spaces, hyphens and dots only)",
                source,
                number,
                ", ".join(map(repr, bad)),
            )
            continue
        groups.append(tuple(dict.fromkeys(search_term(term) for term in terms)))
    return groups


@cache
def synonym_groups():
    """The groups of `synonyms.txt`, read once per process."""
    return parse_synonyms(_read_lines(SYNONYMS_PATH), SYNONYMS_PATH.name)


def taxonomy_groups():
    """[(name, alias, …)] for every region and channel (栏目); cached in the shared cache, reset
    when a region or channel changes.

    An alias saved before aliases were checked, that no reader could type, is left out.
    """

    def load():
        named = (*Region.objects.only("name", "aliases"), *Channel.objects.only("name", "aliases"))
        return [
            tuple(dict.fromkeys(map(search_term, (item.name, *filter(is_search_term, item.alias_list)))))
            for item in named
        ]

    return shared_cache.get_or_set(REGION_WORDS_KEY, load, 60 * 60)


def forget_region_words():
    try:
        shared_cache.delete(REGION_WORDS_KEY)
    except Exception as exc:  # an edit must never fail on the cache; the words expire within the hour
        logger.warning("Region words cache unavailable: %r", exc)


def _add_words(tokenizer, words):
    """Add dictionary words to jieba (the caller holds the lock). A term of several words is
    left out: jieba would keep "e-town" whole, and a token with a hyphen is dropped as punctuation."""
    for word in words:
        if is_word(word) and word not in _added_words:
            tokenizer.add_word(word)
            _added_words.add(word)


@cache
def search_terms():
    """The words of `search_terms.txt`, read once per process."""
    return tuple(word for _, word in _read_lines(SEARCH_TERMS_PATH))


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
                _add_words(tokenizer, map(search_term, search_terms()))
                _add_words(tokenizer, (word for group in synonym_groups() for word in group))
                _tokenizer = tokenizer
    return _tokenizer


def tokenizer_with_regions():
    tokenizer = _get_tokenizer()
    groups = taxonomy_groups()
    with _lock:
        _add_words(tokenizer, (word for group in groups for word in group))
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
    """The query as searched: NFKC (full-width to half-width), lower case, single spaces, at most 200 characters."""
    return search_term(q)[:MAX_QUERY_LENGTH]


def lexemes(term):
    """The indexed words `term` stands for: itself when it is one word, else the words jieba
    cuts it into (beijing e-town → beijing, e, town), as the document holds them."""
    if is_word(term):
        return [term]
    return [token for token in _get_tokenizer().cut(term) if is_word(token)]


def query_terms(q):
    """Groups of alternatives, one group per query word: [("亦庄", "北京经济技术开发区", "经开区"), ("抗体",)].

    Each word of the query is one group; the group also holds its synonyms and region
    aliases, so 亦庄 finds 北京经济技术开发区 and the other way round. A synonym of several
    words typed whole (beijing e-town) is one word of the query.
    """
    tokenizer, region_groups = tokenizer_with_regions()
    synonyms = {}
    for group in (*synonym_groups(), *region_groups):
        for word in group:
            synonyms.setdefault(word, set()).update(group)
    phrases = tuple(sorted((w for w in synonyms if not is_word(w) and _HAS_WORD.search(w)), key=lambda w: (-len(w), w)))
    groups, seen = [], set()
    for token in _query_words(normalise_query(q), tokenizer, phrases):
        if token in seen:
            continue
        seen.add(token)
        alternatives = [token, *sorted(synonyms.get(token, set()) - {token})]
        groups.append(tuple(alternatives))
        if len(groups) == MAX_TERMS:
            break
    return groups


@lru_cache(maxsize=8)
def _phrase_pattern(phrases):
    """Finds any of `phrases` as whole words, the longest first."""
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, phrases)) + r")(?!\w)")


def _query_words(query, tokenizer, phrases):
    """The words of a normalised query in order: the `phrases` it holds whole, jieba's words between."""
    parts = _phrase_pattern(phrases).split(query) if phrases else [query]
    for index, part in enumerate(parts):
        if index % 2:
            yield part
        else:
            yield from (token for token in tokenizer.cut(part) if is_word(token))


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def bigrams(text):
    """The distinct pairs of adjacent Chinese characters in `text`, in order.

    Indexed beside the words (weight D), they let a query match inside words that jieba
    cut differently in the story (抗体药 in 抗体药物): recall as good as LIKE, with the
    index's speed.
    """
    pairs = (run[i : i + 2] for run in _HAN_RUN.findall(normalise(text)) for i in range(len(run) - 1))
    return list(dict.fromkeys(pairs))
