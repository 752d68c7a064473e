"""Language and ML models: normalisation, segmentation, pinyin, sentence encoders."""

from zwfw.models.normalize import base_name, has_content, normalize
from zwfw.models.pinyin import initials, joined, syllables
from zwfw.models.segment import Segmenter, analyze, char_grams

__all__ = [
    "Segmenter",
    "analyze",
    "base_name",
    "char_grams",
    "has_content",
    "initials",
    "joined",
    "normalize",
    "syllables",
]
