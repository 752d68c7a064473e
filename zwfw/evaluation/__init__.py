"""Offline evaluation of search and FAQ answers on labelled query sets."""

from zwfw.evaluation.metrics import mrr, ndcg, recall
from zwfw.evaluation.runner import (
    crossval_items,
    eval_faq,
    eval_items,
    eval_parts,
    format_comparison,
    format_table,
    labelled,
    read_jsonl,
)

__all__ = [
    "crossval_items",
    "eval_faq",
    "eval_items",
    "eval_parts",
    "format_comparison",
    "format_table",
    "labelled",
    "mrr",
    "ndcg",
    "read_jsonl",
    "recall",
]
