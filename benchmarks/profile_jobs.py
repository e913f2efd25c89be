#!/usr/bin/env python
"""Where does a job's time go?  Re-run one real job of every rule outside Snakemake and split it.

1. Runs the workflow once in a fresh temporary directory with ``--skip-script-cleanup`` (so the
   job scripts Snakemake generates - preamble with the pickled job + the rule's script - are kept
   in ``.snakemake/scripts``), unless ``--dir`` names such a directory already.
2. For one job per rule, re-executes that exact script in a fresh interpreter (same inputs,
   params, wildcards; it rewrites the same output) and splits its wall time into
   * interpreter start-up + Snakemake preamble + the script's imports (everything before ``main()``),
   * netCDF reading (``read_dataset``) and writing (``write_dataset``) inside ``main()``,
   * the rest of ``main()``: the computation (or plotting).
3. Prints the import cost of the heaviest top-level packages (``python -X importtime``).

Usage (from the repository root; about a minute)::

    .venv/bin/python benchmarks/profile_jobs.py [--keep] [--dir DIR] [--pyinstrument RULE ...]

``--pyinstrument RULE`` also prints a pyinstrument call tree of that rule's ``main()``
(``pip install pyinstrument`` into the venv; it is not a project dependency).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent

# Runs a kept Snakemake job script.  Module-level names are stored through a dict subclass, so
# the script's own ``def main`` and its imported ``read_dataset``/``write_dataset`` are wrapped
# with timers as they are defined (the script calls ``main(...)`` by name at its end).
DRIVER = r"""
import json, sys, time
acc = {"main": 0.0, "read": 0.0, "write": 0.0, "t_main": None}
profile = len(sys.argv) > 2 and sys.argv[2] == "pyinstrument"

def timed(key, fn):
    def inner(*a, **k):
        prof = None
        if key == "main":
            acc["t_main"] = time.perf_counter()
            if profile:
                import pyinstrument
                prof = pyinstrument.Profiler(interval=0.001)
                prof.start()
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            acc[key] += time.perf_counter() - t
            if prof is not None:
                prof.stop()
                sys.stderr.write(prof.output_text(color=False, show_all=False))
    return inner

WRAP = {"main": "main", "read_dataset": "read", "write_dataset": "write"}

class Namespace(dict):
    def __setitem__(self, name, value):
        if name in WRAP and callable(value):
            value = timed(WRAP[name], value)
        super().__setitem__(name, value)

path = sys.argv[1]
ns = Namespace(__name__="__main__", __file__=path, __builtins__=__builtins__)
T0 = time.perf_counter()
exec(compile(open(path).read(), path, "exec"), ns, ns)
acc["before_main_in_process"] = (acc["t_main"] or time.perf_counter()) - T0
print("RESULT " + json.dumps(acc))
"""

_SCRIPT_NAME = re.compile(r"^tmp[^.]+\.(.+)\.py$")


def cold_run(work: Path) -> float:
    cmd = [str(BIN / "snakemake"), "--snakefile", str(REPO / "Snakefile"), "--directory", str(work),
           "--configfile", str(REPO / "config.yaml"), "--cores", "2", "--skip-script-cleanup", "--quiet"]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if res.returncode:
        sys.exit(f"snakemake failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return time.perf_counter() - t0


def import_breakdown(stmt: str) -> tuple[float, list[tuple[str, float]]]:
    """Self import time (s) summed per top-level package, for ``python -X importtime -c stmt``."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-c", stmt], capture_output=True, text=True)
    per_top: dict[str, float] = defaultdict(float)
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            self_us, _cum, name = (x.strip() for x in line[len("import time:"):].split("|"))
            per_top[name.split(".")[0]] += int(self_us) * 1e-6
        except ValueError:
            continue
    total = sum(per_top.values())
    return total, sorted(per_top.items(), key=lambda kv: -kv[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, help="finished run with kept scripts (.snakemake/scripts)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary run directory")
    ap.add_argument("--repeat", type=int, default=3, help="runs per job (best is reported)")
    ap.add_argument("--pyinstrument", action="append", default=[], help="rule script to profile, e.g. compute_velocity")
    args = ap.parse_args()

    tmp = None
    if args.dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="vf-profile-"))
        work = tmp / "run"
        work.mkdir()
        print(f"cold run with --skip-script-cleanup in {work} ...", flush=True)
        print(f"  {cold_run(work):.1f} s")
    else:
        work = args.dir
    try:
        # the slowest job of each rule in the run (largest `s` in its benchmark file), found by its
        # wildcards in the pickled job of the kept script; else the first script of that rule
        slowest: dict[str, tuple[float, str]] = {}
        for tsv in (work / "results" / "benchmarks").rglob("*.tsv"):
            rel = tsv.relative_to(work / "results" / "benchmarks")
            lines = tsv.read_text().splitlines()
            try:
                sec = float(lines[-1].split("\t")[0])
            except (IndexError, ValueError):
                continue
            key = "/".join(rel.with_suffix("").parts[1:])
            if sec > slowest.get(rel.parts[0], (-1.0, ""))[0]:
                slowest[rel.parts[0]] = (sec, key)
        scripts: dict[str, Path] = {}
        for p in sorted((work / ".snakemake" / "scripts").glob("tmp*.py")):
            m = _SCRIPT_NAME.match(p.name)
            if not m:
                continue
            name = m.group(1)
            key = slowest.get(name, (0.0, None))[1]
            if name not in scripts or (key and key in p.read_text(errors="replace")
                                       and key not in scripts[name].read_text(errors="replace")):
                scripts[name] = p
        if not scripts:
            sys.exit(f"no kept job scripts in {work}/.snakemake/scripts (run without --dir)")
        driver = work / ".snakemake" / "profile_driver.py"
        driver.write_text(DRIVER)
        rows = {}
        for name, script in scripts.items():
            best = None
            for i in range(args.repeat + (name in args.pyinstrument)):
                extra = ["pyinstrument"] if (name in args.pyinstrument and i == 0) else []
                t0 = time.perf_counter()
                p = subprocess.run([sys.executable, str(driver), str(script), *extra], cwd=work,
                                   capture_output=True, text=True)
                wall = time.perf_counter() - t0
                if p.returncode or "RESULT " not in p.stdout:
                    sys.exit(f"{name} failed:\n{p.stderr[-3000:]}")
                rec = json.loads(p.stdout.split("RESULT ", 1)[1])
                rec["wall"] = wall
                if extra:
                    print(f"--- pyinstrument: {name}.main()\n{p.stderr[p.stderr.find('  _     ._'):]}")
                    continue
                if best is None or wall < best["wall"]:
                    best = rec
            rows[name] = best
        print(f"\nthe slowest job of each rule (script names = rule scripts), best of {args.repeat} (seconds):")
        print(f"{'script':32s} {'wall':>6s} {'start+imports':>14s} {'read':>6s} {'compute':>8s} {'write':>6s}")
        tot = defaultdict(float)
        for name, r in rows.items():
            before = r["wall"] - r["main"]
            compute = r["main"] - r["read"] - r["write"]
            for k, v in (("wall", r["wall"]), ("before", before), ("read", r["read"]), ("compute", compute),
                         ("write", r["write"])):
                tot[k] += v
            print(f"{name:32s} {r['wall']:6.2f} {before:14.2f} {r['read']:6.2f} {compute:8.2f} {r['write']:6.2f}")
        print(f"{'sum':32s} {tot['wall']:6.2f} {tot['before']:14.2f} {tot['read']:6.2f} {tot['compute']:8.2f} "
              f"{tot['write']:6.2f}")
        print("(start+imports = process wall - main(): interpreter, Snakemake preamble (unpickling the job), imports)")
        for label, stmt in (("a compute rule", "import viscous_forces.stages, viscous_forces.io, xarray, netCDF4"),
                            ("a plot rule", "import viscous_forces.plotting, viscous_forces.io"),
                            ("the Snakemake CLI", "import snakemake.cli")):
            total, top = import_breakdown(stmt)
            print(f"\nimports of {label} (-X importtime self times per top-level package, total {total:.2f} s; "
                  f"importtime itself inflates them):\n  " + ", ".join(f"{k} {v:.3f}" for k, v in top[:9]))
    finally:
        if tmp is not None:
            if args.keep:
                print(f"\nkept {work}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
