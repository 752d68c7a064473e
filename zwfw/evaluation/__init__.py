"""Offline evaluation of search and FAQ answers on labelled query sets."""

from zwfw.evaluation.metrics import mrr, ndcg, recall
from zwfw.evaluation.runner import eval_faq, eval_items, format_table, read_jsonl

__all__ = ["eval_faq", "eval_items", "format_table", "mrr", "ndcg", "read_jsonl", "recall"]
