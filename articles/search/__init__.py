"""Chinese full-text search: segmentation, documents, queries and snippets.

`search(queryset, q)` narrows and ranks; `paging` serves a page of results at a bounded cost
(the newest matches ranked, hot pages kept); `highlight` writes the snippets; `documents` keeps each article's search document
current; `vocabulary` reads Traditional characters and pinyin and suggests corrections for typos. See the modules for how each part works.
"""

from articles.search.highlight import highlight
from articles.search.query import index_scans, search, uses_postgres
from articles.search.segmentation import MAX_QUERY_LENGTH, query_terms

__all__ = ["MAX_QUERY_LENGTH", "highlight", "index_scans", "query_terms", "search", "uses_postgres"]
