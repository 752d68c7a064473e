"""The HTTP service. The only package that imports FastAPI."""

from zwfw.api.app import create_app

__all__ = ["create_app"]
