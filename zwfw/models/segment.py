"""Chinese word segmentation with rjieba and the shipped government-service dictionary."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import rjieba

from zwfw.models.normalize import normalize

_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")

# Words that carry no meaning for retrieval. Kept short on purpose: 办理/申请 are part of
# official item names and still help ranking, so only true function words are dropped.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "是",
        "在",
        "我",
        "我们",
        "你",
        "您",
        "他",
        "她",
        "它",
        "想",
        "要",
        "请问",
        "请",
        "一下",
        "怎么",
        "怎样",
        "如何",
        "哪里",
        "哪儿",
        "什么",
        "可以",
        "能",
        "能不能",
        "需要",
        "有",
        "没有",
        "和",
        "与",
        "及",
        "或",
        "还",
        "就",
        "都",
        "也",
        "这",
        "那",
        "个",
        "一个",
        "该",
        "应该",
        "去",
        "到",
        "给",
        "把",
        "被",
        "让",
        "啥",
        "咋",
        "多少",
        "吗",
        "么",
        "问",
        "想问",
        "问一下",
    ]
)


def default_userdict() -> Path:
    return Path(str(resources.files("zwfw.models") / "data" / "gov_userdict.txt"))


class Segmenter:
    """Segments normalised text; one instance loads the user dictionary once.

    rjieba has no `load_userdict`, so each entry goes through `add_word`. rjieba keeps one
    global dictionary, which is fine: every Segmenter in a process wants the same words.
    """

    def __init__(self, userdict: Path | None = None, extra_words: Iterable[str] = ()) -> None:
        path = userdict or default_userdict()
        self.dictionary_words: list[str] = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if parts:
                    rjieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
                    self.dictionary_words.append(parts[0])
        for word in extra_words:
            rjieba.add_word(word, None, None)
            self.dictionary_words.append(word)

    def words(self, text: str) -> list[str]:
        """Meaningful words of already-normalised text, stopwords and punctuation removed."""
        out: list[str] = []
        for token in rjieba.cut(text):
            token = token.strip()
            if token and _WORD.fullmatch(token) and token not in STOPWORDS:
                out.append(token)
        return out

    def tokens(self, text: str) -> list[str]:
        """rjieba's tokens of `text`, nothing dropped: their lengths add up to the text's."""
        return list(rjieba.cut(text))

    def word_starts(self, text: str) -> list[int]:
        """Offsets where a word of `text` begins: 0, and every start of a search-mode sub-word
        that is also the end of another, so 普通护照签发 gives 0, 2 (护照), 4 (签发) though the
        dictionary holds 普通护照, while 救护车 gives no 1 (护车 overlaps 救护, no split).
        Completions use them to tell 护 starting a word from 护 inside one."""
        spans = rjieba.tokenize(text, mode="search")
        ends = {0, *(end for _, _, end in spans)}
        return sorted({start for _, start, _ in spans if start in ends})

    def search_words(self, text: str) -> list[str]:
        """Words plus their sub-words (居民身份证 → 居民, 身份, 身份证, 居民身份证) for recall."""
        out: list[str] = []
        for token in rjieba.cut_for_search(text):
            token = token.strip()
            if token and _WORD.fullmatch(token) and token not in STOPWORDS:
                out.append(token)
        return out


def char_grams(text: str) -> list[str]:
    """Hanzi unigrams and bigrams within each run of hanzi, plus latin/digit words.

    Bigrams beat word segmentation for recall on short titles (see the eval baselines), and
    they are robust to the segmenter splitting an unknown term differently at query time.
    """
    grams: list[str] = []
    for run in _WORD.findall(text):
        if not _HAN.match(run):
            grams.append(run)
            continue
        grams.extend(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def analyze(text: str, segmenter: Segmenter) -> list[str]:
    """Normalise then segment: the one entry point for query-side word analysis."""
    return segmenter.words(normalize(text))
