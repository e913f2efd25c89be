"""Mutation testing of the physics modules: ``make mutation``.

Runs mutmut (configuration: ``[tool.mutmut]`` in pyproject.toml; the fast test suite against every
mutant) and writes ``benchmarks/mutation.md``: per module the mutants killed, surviving and equivalent,
and the score killed / (all - equivalent).  A surviving mutant is equivalent when

* it changes only text written for people (every difference between the original and the mutated function
  lies in a string of a ``raise`` statement, or in a ``long_name``, ``units_description`` or ``description``
  of a stored variable): the message or the description changes, not the behaviour; or
* it is listed, with the argument why, in ``benchmarks/mutation_equivalents.yaml``.

Usage::

    python scripts/mutation.py                      # run every mutant not yet checked, then report
    python scripts/mutation.py --report-only        # report the results in mutants/
    python scripts/mutation.py NAME [NAME ...]      # (re)run these mutants, then report
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
REPORT = REPO / "benchmarks" / "mutation.md"
EQUIVALENTS = REPO / "benchmarks" / "mutation_equivalents.yaml"
#: Lowest acceptable score per module (percent).
TARGET = 90.0
KILLED = {1, 3, 36, 24, -24, 152, 255}  # killed, or timed out (an infinite loop is caught)


def run(names: list[str], children: int) -> float:
    t0 = time.perf_counter()
    cmd = [MUTMUT, "run", "--max-children", str(children), *names]
    subprocess.run(cmd, cwd=REPO, check=False)
    return time.perf_counter() - t0


def load_results() -> dict[str, dict[str, int | None]]:
    """Exit code of every mutant, per source module (path relative to src/)."""
    out = {}
    for meta in sorted((REPO / "mutants" / "src").rglob("*.meta")):
        data = json.loads(meta.read_text())
        module = str(meta.relative_to(REPO / "mutants" / "src"))[: -len(".meta")]
        if data.get("exit_code_by_key"):
            out[module] = data["exit_code_by_key"]
    return out


def show(name: str) -> str:
    proc = subprocess.run([MUTMUT, "show", name], cwd=REPO, capture_output=True, text=True, check=False)
    return proc.stdout


def _sides(diff: str) -> tuple[str, str]:
    """The original and the mutated function from the unified diff that ``mutmut show`` prints."""
    old, new = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++", "@@", "#")):
            continue
        if line.startswith("-"):
            old.append(line[1:])
        elif line.startswith("+"):
            new.append(line[1:])
        else:
            text = line[1:] if line.startswith(" ") else line
            old.append(text)
            new.append(text)
    return textwrap.dedent("\n".join(old)), textwrap.dedent("\n".join(new))


def _blank(node) -> None:
    """Empty every string literal below ``node``."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            sub.value = ""
        if isinstance(sub, ast.JoinedStr):
            sub.values = []


#: Text for people, not behaviour: the long_name argument of var() (4th) and scalar() (3rd), and these keywords.
_TEXT_POSITIONS = {"var": 3, "scalar": 2}
_TEXT_KEYWORDS = {"long_name", "units_description", "description"}


class _BlankText(ast.NodeTransformer):
    """Replace the strings of error messages and of variable descriptions by the empty string."""

    def visit_Raise(self, node):
        _blank(node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        position = _TEXT_POSITIONS.get(name)
        if position is not None and len(node.args) > position:
            _blank(node.args[position])
        for kw in node.keywords:
            if kw.arg in _TEXT_KEYWORDS:
                _blank(kw.value)
        return node

    def visit_Dict(self, node):
        self.generic_visit(node)
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value in _TEXT_KEYWORDS:
                _blank(value)
        return node


def message_only(diff: str) -> bool:
    """True if the mutant changes nothing but text for people: error messages, long_name, descriptions."""
    old, new = _sides(diff)
    try:
        a, b = ast.parse(old), ast.parse(new)
    except SyntaxError:
        return False
    if ast.dump(a) == ast.dump(b):
        return False  # no visible change: leave it to a human
    return ast.dump(_BlankText().visit(a)) == ast.dump(_BlankText().visit(b))


def _git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return out.stdout.strip()


def report(results, equivalents: dict[str, str], elapsed: float | None) -> tuple[str, bool]:
    rows, survivors, argued, messages = [], [], [], []
    ok = True
    totals = defaultdict(int)
    for module, codes in sorted(results.items()):
        n = len(codes)
        killed = sum(1 for c in codes.values() if c in KILLED)
        unchecked = sum(1 for c in codes.values() if c is None)
        equivalent = 0
        for name, code in sorted(codes.items()):
            if code in KILLED or code is None:
                continue
            if name in equivalents:
                equivalent += 1
                argued.append((name, equivalents[name]))
                continue
            diff = show(name)
            if code == 0 and message_only(diff):
                equivalent += 1
                messages.append(name)
            else:
                survivors.append((name, code, diff))
        effective = n - equivalent - unchecked
        score = 100.0 * killed / effective if effective else 100.0
        ok &= score >= TARGET and unchecked == 0
        rows.append((module, n, killed, n - killed - equivalent - unchecked, equivalent, unchecked, score))
        for key, value in zip(("n", "killed", "survived", "equivalent", "unchecked"), rows[-1][1:6]):
            totals[key] += value
    effective = totals["n"] - totals["equivalent"] - totals["unchecked"]
    lines = [
        "# Mutation testing (generated by `make mutation`; do not edit)",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}",
        f"- git {_git_commit()}",
        f"- mutmut run time: {elapsed / 60:.1f} min" if elapsed else "- mutmut run time: (report only)",
        "- score = killed (or timed out) / (mutants - equivalent); target >= 90 % per module",
        "",
        "| module | mutants | killed | survived | equivalent | not checked | score |",
        "|---|---|---|---|---|---|---|",
    ]
    for module, n, killed, survived, equivalent, unchecked, score in rows:
        lines.append(f"| `{module}` | {n} | {killed} | {survived} | {equivalent} | {unchecked} | {score:.1f} % |")
    total_score = 100.0 * totals["killed"] / effective if effective else 100.0
    lines.append(
        f"| **all** | {totals['n']} | {totals['killed']} | {totals['survived']} | {totals['equivalent']} | "
        f"{totals['unchecked']} | {total_score:.1f} % |"
    )
    lines += [
        "",
        f"Equivalent: {len(messages)} change only the text of an error message or of a variable's description; "
        f"{len(argued)} argued:",
        "",
    ]
    lines += [f"- `{name}`: {why}" for name, why in argued]
    lines += ["", f"## Surviving mutants ({len(survivors)})", ""]
    for name, code, diff in survivors:
        body = "\n".join(
            line for line in diff.splitlines() if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
        )
        lines += [f"### `{name}` ({code})", "", "```diff", body, "```", ""]
    return "\n".join(lines) + "\n", ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutants to (re)run")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    elapsed = None if args.report_only else run(args.names, args.max_children)
    equivalents = yaml.safe_load(EQUIVALENTS.read_text()) if EQUIVALENTS.exists() else {}
    text, ok = report(load_results(), equivalents or {}, elapsed)
    REPORT.write_text(text)
    summary = re.search(r"\| \*\*all\*\* .*", text)
    print(summary.group(0) if summary else text)
    print(f"wrote {REPORT.relative_to(REPO)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
