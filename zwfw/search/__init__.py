"""Retrieval: lexical backends, the FAISS vector store, hybrid fusion, filters and highlights."""

from zwfw.search.filters import SearchFilters
from zwfw.search.query import AnalyzedQuery, analyze_query
from zwfw.search.results import Candidate, Fallback, SearchHit, SearchPage
from zwfw.search.service import SearchService
from zwfw.search.store import OpenIndex, open_build, open_current

__all__ = [
    "AnalyzedQuery",
    "Candidate",
    "Fallback",
    "OpenIndex",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "SearchService",
    "analyze_query",
    "open_build",
    "open_current",
]
