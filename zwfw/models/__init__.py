"""Language and ML models: normalisation, segmentation, pinyin, sentence encoders."""

from zwfw.models.normalize import normalize
from zwfw.models.pinyin import initials, joined, syllables
from zwfw.models.segment import Segmenter, analyze, char_grams

__all__ = ["Segmenter", "analyze", "char_grams", "initials", "joined", "normalize", "syllables"]
