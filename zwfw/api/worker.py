"""The app factory that each `zwfw serve --workers N` process imports.

uvicorn starts several workers only from an import string, and each worker is a fresh
process: settings come from the environment (the CLI exports the index directory first), and
each worker installs its own JSON logging. Workers open the index files read-only from the
same directory, so tantivy's memory-mapped segments are shared through the page cache.
"""

from __future__ import annotations

from fastapi import FastAPI

from zwfw.api.app import create_app
from zwfw.ops import install_json_logging


def app() -> FastAPI:
    install_json_logging()
    return create_app()
