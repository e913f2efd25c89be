"""The numbers README.md and docs/ quote about run times, job counts and test times, from one source.

    python scripts/facts.py              # print the facts and where each comes from
    python scripts/facts.py --time-tests # run `make test` and `make test-fast`, record their times

The facts are computed from two generated files: ``benchmarks/results.json`` (written by
``make bench``: job counts and wall times of the workflow runs) and ``benchmarks/tests.json``
(written by ``--time-tests``: test counts and wall times of the two test commands).  In the
Markdown files a fact is written ``<!--fact:name-->value<!--/fact-->`` (the comments are invisible
when rendered); ``scripts/update_readme.py`` rewrites every value from here and
``tests/test_docs.py`` checks that every quoted value is current.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "results.json"
TESTS = ROOT / "benchmarks" / "tests.json"
#: The Markdown files whose facts are kept current.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FACT = re.compile(r"<!--fact:(?P<name>[a-z_]+)-->(?P<value>.*?)<!--/fact-->")


def _seconds(s: float) -> str:
    return f"{s:.0f} s" if s >= 10 else f"{s:.1f} s"


def _minutes(s: float) -> str:
    return f"{s / 60:.0f} minutes" if s >= 120 else _seconds(s)


def facts() -> dict[str, str]:
    """Fact name -> the text quoted in the documents (only the facts whose source file exists)."""
    out: dict[str, str] = {}
    if BENCH.is_file():
        data = json.loads(BENCH.read_text())["data"]
        walls = sorted(data["paper"]["walls_s"])
        out["paper_jobs"] = str(data["scaling"]["9"]["jobs"])
        out["paper_wall"] = _seconds(walls[len(walls) // 2])
        out["noop_wall"] = _seconds(data["reruns"]["noop_s"])
        out["everything_jobs"] = str(data["everything"]["jobs"])
        out["everything_wall"] = _minutes(data["everything"]["wall_s"])
    if TESTS.is_file():
        tests = json.loads(TESTS.read_text())
        for name in ("test", "test_fast"):
            out[f"{name}_count"] = str(tests[name]["passed"])
            out[f"{name}_wall"] = _minutes(tests[name]["wall_s"])
    return out


def quoted(text: str) -> list[tuple[str, str]]:
    """(name, value) of every fact written in ``text``."""
    return [(m["name"], m["value"]) for m in FACT.finditer(text)]


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with every fact whose value is known rewritten."""
    return FACT.sub(lambda m: f"<!--fact:{m['name']}-->{values.get(m['name'], m['value'])}<!--/fact-->", text)


#: The test that compares the documents with the recorded times: left out of the runs that record them
#: (it needs the record they are about to write); the counts include it.
SELF_CHECK = "tests/test_docs.py::test_quoted_numbers_come_from_the_facts"


def time_tests() -> dict:
    """Run the commands of ``make test`` and ``make test-fast`` (in that order, without :data:`SELF_CHECK`)
    and record their wall times and test counts."""
    record = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_before": os.getloadavg()[0]}
    subprocess.run(["make", "setup-dev"], cwd=ROOT, check=True, capture_output=True)
    for name, target in (("test", "test"), ("test_fast", "test-fast")):
        t0 = time.perf_counter()
        cmd = ["make", target, f"PYTEST_ARGS=--deselect {SELF_CHECK}"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        passed = re.search(r"(\d+) passed", summary)
        if proc.returncode != 0 or not passed:
            raise SystemExit(f"make {target} failed ({proc.returncode}): {summary}\n{proc.stdout[-3000:]}")
        record[name] = {"wall_s": wall, "passed": int(passed.group(1)) + 1, "summary": summary}
    record["load_after"] = os.getloadavg()[0]
    TESTS.write_text(json.dumps(record, indent=1) + "\n")
    return record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-tests", action="store_true", help="run make test and make test-fast, record the times")
    args = parser.parse_args(argv)
    if args.time_tests:
        print(json.dumps(time_tests(), indent=1))
    for name, value in facts().items():
        print(f"{name:16s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
