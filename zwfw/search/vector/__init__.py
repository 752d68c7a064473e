"""Vector stores behind one protocol; FAISS is the embedded default."""

from zwfw.search.vector.faiss_store import FaissStore
from zwfw.search.vector.protocol import VectorStore

__all__ = ["FaissStore", "VectorStore"]
