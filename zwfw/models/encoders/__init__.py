"""Sentence encoders: a protocol, one module per backend, a factory and a query cache."""

from zwfw.models.encoders.cache import CachedEncoder
from zwfw.models.encoders.factory import create_encoder
from zwfw.models.encoders.protocol import Encoder, Vectors

__all__ = ["CachedEncoder", "Encoder", "Vectors", "create_encoder"]
