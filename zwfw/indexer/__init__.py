"""Reads sources, writes the lexical and vector indexes, and applies incremental updates."""

from zwfw.indexer.builder import build_index
from zwfw.indexer.sources import BadLine, LoadResult, load_file, load_sources
from zwfw.indexer.updater import delete, upsert

__all__ = ["BadLine", "LoadResult", "build_index", "delete", "load_file", "load_sources", "upsert"]
