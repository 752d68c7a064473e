"""Fit the FAQ answer classifier and measure it on questions the fit did not see.

    python bench/calibrate_qa.py --index-dir /work/idx/real \\
        --citizen ../shared/data/citizen_messages_labeled.jsonl \\
        --items ../shared/data/guangdong_items.jsonl --items ../shared/data/hunan_items.jsonl \\
        --dev ../shared/eval/faq_dev.jsonl --cache var/qa_samples.pkl

Two fits over the same matched questions (matching is cached, fitting takes seconds):

- `held-out`: catalogue questions and the `fit` half of the out-of-scope material only; the
  dev queries and the `eval` half of the out-of-scope set are then fully unseen;
- `k-fold`: the same plus the labelled dev queries, each predicted by a model fitted without
  its fold (what `zwfw fit-qa --labelled` does).

Writes bench/results/calibrate_qa.json and, with --model, the k-fold model (the one shipped).
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from zwfw.core.records import Faq
from zwfw.core.settings import Settings
from zwfw.evaluation import read_jsonl
from zwfw.qa import Action, AnswerModel
from zwfw.qa.features import Context
from zwfw.qa.fit import (
    Limits,
    Question,
    Sample,
    catalogue_questions,
    fit,
    gather,
    labelled_questions,
    pair_rows,
    tabulate,
)
from zwfw.qa.outofscope import citizen_questions, home_of, region_questions, sample
from zwfw.runtime import load_runtime

KINDS = ("loo", "citizen", "region")  # older caches also hold altered questions, now unused
FIT_PER_SOURCE, EVAL_PER_SOURCE = 700, 1000  # out-of-scope questions per source (citizen, region)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--citizen", type=Path, required=True)
    parser.add_argument("--items", type=Path, action="append", default=[])
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=Path("var/qa_samples.pkl"))
    parser.add_argument("--model", type=Path, help="write the model fitted with --dev here")
    args = parser.parse_args()
    runtime = load_runtime(Settings(index_dir=args.index_dir), fitting=True)
    faqs = [f for f in runtime.index.docs.iter_kind("faq") if isinstance(f, Faq)]
    home = home_of(faqs)
    material = [*citizen_questions(args.citizen), *region_questions(args.items, home)]
    samples = _cached(args.cache, lambda: _gather(runtime.qa, faqs, material, args.dev))
    ctx = Context(home)
    words_of = runtime.qa.words_of
    train = [s for s in samples["fit"] if s.question.kind in KINDS]
    result: dict[str, Any] = {"training_questions": dict(Counter(s.question.kind for s in train))}
    models = {}
    for name, judge in (("before", False), ("after", True)):
        started = time.perf_counter()
        model = fit([*train, *samples["dev"]], words_of, ctx, Limits(), judge=judge)
        seconds = round(time.perf_counter() - started, 1)
        models[name] = model
        oof = model.meta["out_of_fold"]
        result[name] = {
            "fit_seconds": seconds,
            "thresholds": [model.answer_threshold, model.clarify_threshold],
            "dev_out_of_fold": {k: v for k, v in oof.items() if k.startswith(("labelled", "dev"))},
            "out_of_scope_eval": _outcomes(model, samples["oos"], words_of, ctx),
            "coefficients": dict(zip(model.names, model.answer.coef, strict=True)),
            "matcher": dict(zip(model.matcher.names, model.matcher.coef, strict=True))
            if model.matcher
            else None,
        }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    out = Path(__file__).parent / "results" / "calibrate_qa.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.model:
        models["after"].save(args.model)


def _gather(qa: Any, faqs: list[Faq], material: list[Any], dev: Path) -> dict[str, list[Sample]]:
    def progress(i: int) -> None:
        print(f"  {i}", flush=True)

    fit_part = [
        *catalogue_questions(faqs),
        *(
            Question(o.text, o.source, o.id, gold=frozenset())
            for o in sample((o for o in material if o.half == "fit"), FIT_PER_SOURCE)
        ),
    ]
    eval_part = [
        Question(o.text, o.source, o.id, gold=frozenset())
        for o in sample((o for o in material if o.half == "eval"), EVAL_PER_SOURCE)
    ]
    return {
        "fit": gather(qa, fit_part, progress),
        "dev": gather(qa, labelled_questions(read_jsonl(dev)), progress),
        "oos": gather(qa, eval_part, progress),
    }


def _cached(path: Path, build: Any) -> dict[str, list[Sample]]:
    if path.exists():
        return pickle.loads(path.read_bytes())
    samples = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(samples))
    return samples


def _outcomes(
    model: AnswerModel, samples: list[Sample], words_of: Any, ctx: Context
) -> dict[str, dict[str, float]]:
    matcher = model.matcher
    judged = [matcher.probabilities(pair_rows(s, words_of).x) for s in samples] if matcher else None
    rows = tabulate(samples, words_of, ctx, judged)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for x, right, inside, kind in zip(rows.x, rows.right, rows.in_scope, rows.kinds, strict=True):
        action, _ = model.decide(np.asarray(x))
        outcome = (
            ("answered_right" if right else "answered_wrong")
            if action is Action.ANSWER
            else action.value
        )
        for key in (kind, "all in scope" if inside else "all out of scope"):
            counts[key][outcome] += 1
            counts[key]["n"] += 1
    return {
        k: {o: c[o] if o == "n" else round(c[o] / c["n"], 4) for o in sorted(c)}
        for k, c in sorted(counts.items())
    }


if __name__ == "__main__":
    main()
