"""Real `zwfw` processes for crash and concurrency tests: started, paused at a named step of
an index write (zwfw.indexer.crashpoints), and killed with SIGKILL there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from testdata import ROOT

from zwfw.core.records import Faq, Record, record_to_dict


def faqs(prefix: str, n: int) -> list[Faq]:
    """Distinct FAQ entries whose texts share nothing with the demo catalogue's."""
    return [
        Faq(id=f"{prefix}{i}", question=f"{prefix}测试问题{i}号怎么办理", answer=f"答案{i}")
        for i in range(n)
    ]


def write_jsonl(path: Path, records: Sequence[Record]) -> Path:
    lines = (json.dumps(record_to_dict(r), ensure_ascii=False) for r in records)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env(pause_at: str | None = None, flag: Path | None = None, **settings: str) -> dict[str, str]:
    """The environment of a child: this checkout's code, one thread, and the given settings."""
    out = {k: v for k, v in os.environ.items() if not k.startswith(("ZWFW_", "ZWFWTEST_"))}
    out |= {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out |= {f"ZWFW_{k.upper()}": v for k, v in settings.items()}
    if pause_at and flag:
        out |= {"ZWFWTEST_PAUSE_AT": pause_at, "ZWFWTEST_PAUSE_FILE": str(flag)}
    return out


def start(args: Sequence[str], environ: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zwfw.cli", *args],
        env=environ,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def zwfw(args: Sequence[str], environ: dict[str, str], timeout: float = 180) -> tuple[int, str]:
    """Run a command to its end; returns (exit code, stdout + stderr)."""
    proc = start(args, environ)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out + err


def wait_paused(proc: subprocess.Popen[str], flag: Path, timeout: float = 180) -> None:
    """Until the child sits at its pause step; fails with its output if it ends first."""
    deadline = time.monotonic() + timeout
    while not flag.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"ended (exit {proc.returncode}) before pausing:\n{out}{err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("did not reach its pause step in time")
        time.sleep(0.02)


def kill9(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
