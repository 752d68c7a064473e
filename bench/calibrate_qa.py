"""Grid-search the FAQ answer thresholds on a labelled FAQ set and print the best settings.

    python bench/calibrate_qa.py --index-dir /tmp/ix --faq ../shared/eval/faq_dev.jsonl

Utility = answered-correct − 3·answered-wrong − 1·out-of-scope-answered (shares): a wrong
confident answer costs three clarifications. Writes bench/results/calibrate_qa.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from zwfw.core.settings import Settings
from zwfw.evaluation import read_jsonl
from zwfw.qa import Action, decide
from zwfw.qa.service import evidence
from zwfw.runtime import load_runtime

GRID = {
    "answer_agree_min_cosine": np.arange(0.88, 0.95, 0.005),
    "answer_min_cosine": np.arange(0.90, 0.97, 0.005),
    "answer_agree_min_coverage": [0.0, 0.2, 0.4, 0.6],
    "answer_min_margin": [0.0, 0.005, 0.01, 0.02],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--faq", type=Path, required=True)
    args = parser.parse_args()
    runtime = load_runtime(Settings(index_dir=args.index_dir))
    rows = []
    for q in read_jsonl(args.faq):
        found = runtime.qa.candidates(q["query"])
        ev = evidence(found, runtime.search.analyze(q["query"]).words)
        rows.append((set(q["faq_ids"]), found[0].record.id, ev))
    n_in = sum(1 for gold, _, _ in rows if gold) or 1
    n_out = (len(rows) - n_in) or 1
    best: tuple[float, dict[str, float], tuple[float, float, float]] | None = None
    for values in itertools.product(*GRID.values()):
        qa = runtime.settings.qa.model_copy(update=dict(zip(GRID, map(float, values), strict=True)))
        right = wrong = oos = 0
        for gold, top, ev in rows:
            answered = decide(ev, qa) is Action.ANSWER
            right += answered and top in gold
            wrong += answered and bool(gold) and top not in gold
            oos += answered and not gold
        shares = (right / n_in, wrong / n_in, oos / n_out)
        utility = shares[0] - 3 * shares[1] - shares[2]
        if best is None or utility > best[0]:
            best = (utility, dict(zip(GRID, map(float, values), strict=True)), shares)
    assert best is not None
    result = {
        "settings": {k: round(v, 4) for k, v in best[1].items()},
        "answered_correct": round(best[2][0], 4),
        "answered_wrong": round(best[2][1], 4),
        "out_of_scope_answered": round(best[2][2], 4),
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "calibrate_qa.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
