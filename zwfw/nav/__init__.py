"""Guided navigation (智能导航): multi-turn narrowing from a need to the exact item.

Not built yet: see issue 5. The package exists so the layering is fixed from the start.
"""

__all__: list[str] = []
