"""Lexical (keyword) backends behind one protocol, chosen by a factory."""

from zwfw.search.lexical.factory import create_lexical
from zwfw.search.lexical.protocol import Clause, LexicalHit, LexicalIndex, LexicalQuery

__all__ = ["Clause", "LexicalHit", "LexicalIndex", "LexicalQuery", "create_lexical"]
