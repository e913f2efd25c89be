"""Mutation testing of the physics modules: ``make mutation``.

Runs mutmut (configuration: ``[tool.mutmut]`` in pyproject.toml; the fast test suite against every
mutant) and writes ``benchmarks/mutation.md``: per module the mutants killed, surviving and equivalent,
and the score killed / (all - equivalent).  A surviving mutant is equivalent when

* it changes only text written for people (every difference between the original and the mutated function
  lies in a string of a ``raise`` statement, or in a ``long_name``, ``units_description`` or ``description``
  of a stored variable): the message or the description changes, not the behaviour;
* it only drops ``dtype=float`` from ``np.asarray`` of an input (a property test checks that integer input
  gives the float result, so such a mutant that changed a result would have been killed);
* it only changes the arguments of ``np.errstate`` (which warnings are silenced); or
* it is listed, with the argument why, in ``benchmarks/mutation_equivalents.yaml``.

Usage::

    python scripts/mutation.py                      # run every mutant not yet checked, then report
                                                    # (those recognised as equivalent are not run)
    python scripts/mutation.py --sample 40          # a seeded random sample of 40 unchecked mutants per module
    python scripts/mutation.py --sample 45 --modules src/viscous_forces/core/friction.py ...
                                                    # only these modules (after a change to them); the other
                                                    # modules' rows, argued equivalents and survivors are
                                                    # kept from the report as it is
    python scripts/mutation.py --report-only        # report the results in mutants/
    python scripts/mutation.py NAME [NAME ...]      # (re)run these mutants, then report
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime
import difflib
import json
import os
import platform
import re
import subprocess
import sys
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


#: mutmut's exit code "skipped": given here to the mutants recognised as equivalent before they are run.
SKIPPED = 34
#: A mutant name that matches nothing: ``mutmut run`` with it generates the mutants and the test map only.
_NO_MUTANT = "viscous_forces.__generate_only__"


def skip_recognised_equivalents() -> int:
    """Mark every unchecked mutant that :func:`equivalent_kind` recognises as skipped (it is not run)."""
    count = 0
    for meta in sorted((REPO / "mutants" / "src").rglob("*.meta")):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        changed = [name for name, code in codes.items() if code is None and equivalent_kind(name)]
        for name in changed:
            codes[name] = SKIPPED
        if changed:
            meta.write_text(json.dumps(data, indent=4))
            count += len(changed)
    return count


def _module_key(path: str) -> str:
    """A module as :func:`load_results` keys it (path relative to src/): ``viscous_forces/core/friction.py``."""
    return path.removeprefix("src/")


def sample_unchecked(per_module: int, seed: int, modules: list[str] | None = None) -> list[str]:
    """A seeded random sample of at most ``per_module`` unchecked mutants of every module (or of ``modules``)."""
    import random

    rng = random.Random(seed)
    names = []
    for module, codes in load_results().items():
        if modules is not None and module not in modules:
            continue
        unchecked = sorted(name for name, code in codes.items() if code is None)
        names += rng.sample(unchecked, min(per_module, len(unchecked)))
    return names


def run(
    names: list[str], children: int, sample: int | None = None, seed: int = 0, modules: list[str] | None = None
) -> float:
    """Run mutmut: all unchecked mutants (the recognised equivalents skipped), a seeded sample of them
    per module (``sample``), or the named ones; only those of ``modules`` if given."""
    t0 = time.perf_counter()
    if not names:
        # generates the mutants and the test map, then stops ("nothing matches"): output not needed
        subprocess.run(
            [MUTMUT, "run", "--max-children", str(children), _NO_MUTANT], cwd=REPO, check=False, capture_output=True
        )
        print(f"{skip_recognised_equivalents()} mutants recognised as equivalent are not run")
        if sample:
            names = sample_unchecked(sample, seed, modules)
            if not names:
                return time.perf_counter() - t0
        elif modules is not None:
            names = [n for m, codes in load_results().items() if m in modules for n, c in codes.items() if c is None]
            if not names:
                return time.perf_counter() - t0
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
    """The unified diff of mutant ``name`` against its original function (from the mutated module;
    ``mutmut show`` if the module cannot be read)."""
    found = _mutant_functions(name)
    if found is not None:
        source, original, mutant = found
        a, b = (ast.get_source_segment(source, n).replace(n.name, "f", 1).splitlines() for n in (original, mutant))
        return "\n".join(difflib.unified_diff(a, b, lineterm="", n=1))
    proc = subprocess.run([MUTMUT, "show", name], cwd=REPO, capture_output=True, text=True, check=False)
    return proc.stdout


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


class _DropDtypeFloat(ast.NodeTransformer):
    """Remove ``dtype=float`` (or ``dtype=None``) from ``np.asarray``/``np.array`` calls."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if getattr(node.func, "attr", "") in {"asarray", "array"}:
            node.keywords = [
                kw
                for kw in node.keywords
                if not (
                    kw.arg == "dtype" and (getattr(kw.value, "id", "") == "float" or isinstance(kw.value, ast.Constant))
                )
            ]
        return node


class _DropErrstate(ast.NodeTransformer):
    """Remove the arguments of ``np.errstate(...)``: they silence floating-point warnings only."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if getattr(node.func, "attr", "") == "errstate":
            node.args, node.keywords = [], []
        return node


#: Kinds of equivalent mutants recognised from the code alone, with the argument why.
KINDS = {
    "text": "changes only text for people: an error message, a variable's long_name or description",
    "dtype": (
        "drops ``dtype=float`` from an ``np.asarray`` of an input: the same result for float input, and for "
        "integer input the property test tests/test_properties.py::test_integer_input_gives_the_float_result "
        "would have killed it"
    ),
    "errstate": "changes only which floating-point warnings ``np.errstate`` silences, not a value",
}


_FUNCTIONS: dict[str, dict[str, ast.AST]] = {}


_SOURCES: dict[Path, str] = {}


def _functions(module_file: Path) -> dict[str, ast.AST]:
    """Every function definition (mutants and originals) in a mutated module, by name."""
    if module_file not in _FUNCTIONS:
        _SOURCES[module_file] = module_file.read_text()
        tree = ast.parse(_SOURCES[module_file])
        _FUNCTIONS[module_file] = {
            node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
    return _FUNCTIONS[module_file]


def _mutant_functions(name: str) -> tuple[str, ast.AST, ast.AST] | None:
    """Source of the mutated module, original and mutated function definition of mutant ``name``
    (``package.module.x_func__mutmut_N``): whole functions, where a diff shows only a few lines."""
    dotted, _, function = name.rpartition(".")
    original = function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"
    parts = dotted.split(".")
    for candidate in (Path(*parts).with_suffix(".py"), Path(*parts, "__init__.py")):
        module_file = REPO / "mutants" / "src" / candidate
        if module_file.exists():
            functions = _functions(module_file)
            if function in functions and original in functions:
                return _SOURCES[module_file], functions[original], functions[function]
            return None
    return None


def _renamed(node):
    node = copy.deepcopy(node)
    node.name = "f"
    return node


def equivalent_kind(name: str) -> str | None:
    """The kind (a key of :data:`KINDS`) of mutant ``name`` if it is recognised as equivalent, else None."""
    found = _mutant_functions(name)
    if found is None:
        return None
    a, b = (ast.Module(body=[ast.fix_missing_locations(_renamed(node))], type_ignores=[]) for node in found[1:])
    if ast.dump(a) == ast.dump(b):
        return None  # no visible change: leave it to a human
    for kind, transformer in (("text", _BlankText), ("dtype", _DropDtypeFloat), ("errstate", _DropErrstate)):
        if ast.dump(transformer().visit(copy.deepcopy(a))) == ast.dump(transformer().visit(copy.deepcopy(b))):
            return kind
    return None


def _git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return out.stdout.strip()


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval (percent) of a proportion k/n."""
    if n == 0:
        return 0.0, 100.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return 100.0 * (centre - half), 100.0 * (centre + half)


_ROW = re.compile(
    r"^\| `(?P<module>[^`]+)` \| (?P<n>\d+) \| (?P<killed>\d+) \| (?P<survived>\d+) \| "
    r"(?P<equivalent>\d+) \| (?P<unchecked>\d+) \| (?P<score>[^|]+) \|$"
)


def kept_from(text: str, modules: list[str]) -> dict:
    """From a report's ``text``, what belongs to the modules not in ``modules``: their table rows (verbatim),
    argued equivalents and surviving mutants (sections), the git commit and run time of that report."""
    dotted = tuple(m.removesuffix(".py").removesuffix("/__init__").replace("/", ".") + "." for m in modules)
    rows = [m for line in text.splitlines() if (m := _ROW.match(line)) and m["module"] not in modules]
    argued = [
        line
        for line in text.split("## Surviving mutants")[0].splitlines()
        if line.startswith("- `") and not line[3:].startswith(dotted)
    ]
    survivors = [
        block
        for block in re.split(r"\n(?=### `)", text.split("## Surviving mutants", 1)[-1])[1:]
        if not block[5:].startswith(dotted)
    ]
    commit = re.search(r"^- git (\S+)", text, re.M)
    return {
        "rows": rows,
        "argued": argued,
        "survivors": [b.rstrip() + "\n" for b in survivors],
        "commit": commit.group(1) if commit else "?",
    }


def report(results, equivalents: dict[str, str], elapsed: float | None, kept: dict | None = None) -> tuple[str, bool]:
    """The report text and whether every module reaches :data:`TARGET`; ``kept``: rows, argued equivalents
    and survivors of the modules not rerun (:func:`kept_from`), merged in as they are."""
    rows, survivors, argued = [], [], []
    kinds = defaultdict(int)
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
            kind = equivalent_kind(name) if code in (0, SKIPPED) else None
            if kind:
                equivalent += 1
                kinds[kind] += 1
            else:
                survivors.append((name, code, show(name)))
        effective = n - equivalent - unchecked
        score = 100.0 * killed / effective if effective else 100.0
        ok &= score >= TARGET and unchecked == 0
        rows.append((module, n, killed, n - killed - equivalent - unchecked, equivalent, unchecked, score))
        for key, value in zip(("n", "killed", "survived", "equivalent", "unchecked"), rows[-1][1:6]):
            totals[key] += value
    kept_lines = {}
    for m in (kept or {}).get("rows", []):
        kept_lines[m["module"]] = m.group(0)
        for key in ("n", "killed", "survived", "equivalent", "unchecked"):
            totals[key] += int(m[key])
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
        "- a module with mutants not checked was sampled (`--sample`): its score is that of the checked",
        "  mutants, with the 95 % Wilson interval (the checked ones are those a full run had reached, mutmut",
        "  runs the mutants with the fastest tests first, plus a seeded random sample of the rest; the",
        "  interval treats them as one random sample)",
        "",
        "| module | mutants | killed | survived | equivalent | not checked | score |",
        "|---|---|---|---|---|---|---|",
    ]
    table = dict(kept_lines)
    for module, n, killed, survived, equivalent, unchecked, score in rows:
        text = f"{score:.1f} %"
        if unchecked:
            lo, hi = wilson(killed, killed + survived)
            text += f" ({lo:.0f}-{hi:.0f} %)"
        table[module] = f"| `{module}` | {n} | {killed} | {survived} | {equivalent} | {unchecked} | {text} |"
    lines += [table[module] for module in sorted(table)]
    total_score = 100.0 * totals["killed"] / effective if effective else 100.0
    lines.append(
        f"| **all** | {totals['n']} | {totals['killed']} | {totals['survived']} | {totals['equivalent']} | "
        f"{totals['unchecked']} | {total_score:.1f} % |"
    )
    kept = kept or {"argued": [], "survivors": []}
    if kept_lines:
        lines += [
            "",
            f"- rows of {', '.join(f'`{m}`' for m in sorted(kept_lines))} kept from the report of git "
            f"{kept['commit']} (those modules were not run again: {len(kept_lines)} rows); the run time and the "
            "recognised equivalents counted below are those of the other modules",
        ]
    lines += ["", "Equivalent mutants, recognised from the code:", ""]
    lines += [f"- {kinds[kind]} {KINDS[kind]}" for kind in KINDS]
    lines += [
        "",
        f"and {len(argued) + len(kept['argued'])} argued one by one (benchmarks/mutation_equivalents.yaml):",
        "",
    ]
    lines += sorted([f"- `{name}`: {why}" for name, why in argued] + kept["argued"])
    lines += ["", f"## Surviving mutants ({len(survivors) + len(kept['survivors'])})", ""]
    for name, code, diff in survivors:
        body = "\n".join(
            line for line in diff.splitlines() if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
        )
        lines += [f"### `{name}` ({code})", "", "```diff", body, "```", ""]
    for block in kept["survivors"]:
        lines += [block.rstrip("\n"), ""]
    return "\n".join(lines) + "\n", ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutants to (re)run")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--sample", type=int, metavar="N", help="run only a seeded random sample of N unchecked mutants per module"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument(
        "--modules",
        nargs="+",
        metavar="PATH",
        help="run and report only these modules (src/viscous_forces/...py); keep the other modules' rows of the report",
    )
    parser.add_argument(
        "--run-time", metavar="TEXT", help="with --report-only: how long the runs behind the results took"
    )
    args = parser.parse_args(argv)
    modules = [_module_key(m) for m in args.modules] if args.modules else None
    kept = kept_from(REPORT.read_text(), modules) if modules and REPORT.exists() else None
    elapsed = None if args.report_only else run(args.names, args.max_children, args.sample, args.seed, modules)
    equivalents = yaml.safe_load(EQUIVALENTS.read_text()) if EQUIVALENTS.exists() else {}
    results = load_results()
    if modules is not None:
        results = {m: codes for m, codes in results.items() if m in modules}
    text, ok = report(results, equivalents or {}, elapsed, kept)
    if args.report_only and args.run_time:
        text = text.replace("- mutmut run time: (report only)", f"- mutmut run time: {args.run_time}")
    REPORT.write_text(text)
    summary = re.search(r"\| \*\*all\*\* .*", text)
    print(summary.group(0) if summary else text)
    print(f"wrote {REPORT.relative_to(REPO)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
