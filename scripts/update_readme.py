"""Fill the generated blocks of README.md from the run's outputs (never typed by hand).

    .venv/bin/python scripts/update_readme.py

* SUMMARY: results/tables/summary.csv as a markdown table;
* BENCHMARK: benchmarks/results.md (written by `make bench`);
* MATRIX: which rules each package module is a code input of (viscous_forces.codedeps);
* VERDICT: results/tables/viscous_correction_verdict.txt (the paper's 40 % claim);
* STOPPING: results/tables/stopping.csv (`snakemake stopping`);
* docs/fig2.png, docs/fig5.png: copies of the figures shown in the README;
* the quoted run times, job counts and test times of README.md and docs/*.md (scripts/facts.py).
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import facts  # noqa: E402 (scripts/facts.py, next to this file)

README = ROOT / "README.md"

COLUMNS = [
    ("kernel", "kernel", "{}"),
    ("rs", "r_s", "{:g}"),
    ("d_eq", "d_eq (bohr)", "{:.6f}"),
    ("spring_constant", "U''(d_eq) (Ha/bohr^2)", "{:.5e}"),
    ("omega_vib", "omega_vib (Ha)", "{:.5e}"),
    ("vib_period_fs", "period (fs)", "{:.1f}"),
    ("friction_q0", "Q0 (a.u.)", "{:.6f}"),
    ("friction_parallel", "Q_par(d_eq)", "{:.5f}"),
    ("friction_perpendicular", "Q_perp(d_eq)", "{:.5f}"),
    ("pulse_duration", "T (a.u.)", "{:.4e}"),
]


def summary_block(path: Path) -> str:
    rows = list(csv.DictReader(path.open()))
    lines = ["| " + " | ".join(h for _, h, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = []
        for key, _, fmt in COLUMNS:
            v = r[key]
            cells.append(fmt.format(v if key == "kernel" else float(v)))
        lines.append("| " + " | ".join(cells) + " |")
    return f"Generated from `{path.relative_to(ROOT)}` by `make readme`.\n\n" + "\n".join(lines)


def vibration_block(path: Path) -> str:
    rows = [r for r in csv.DictReader(path.open()) if r["mode"] == "vibration"]
    head = (
        "| kernel | r_s | Omega Markov (Ha) | Omega pole (Ha) | Omega fit (Ha) | "
        "Gamma pole (1/a.u.) | Gamma fit (1/a.u.) |"
    )
    lines = [head, "|" + "---|" * 7]
    for r in rows:
        lines.append(
            f"| {r['kernel']} | {float(r['rs']):g} | {float(r['markov_frequency']):.6e} | "
            f"{float(r['pole_frequency']):.6e} | {float(r['fit_frequency']):.6e} | "
            f"{float(r['pole_rate']):.4e} | {float(r['fit_rate']):.4e} |"
        )
    return f"Parallel vibration mode, from `{path.relative_to(ROOT)}` (all modes are in the file):\n\n" + "\n".join(
        lines
    )


def sweep_block(path: Path) -> str:
    rows = list(csv.DictReader(path.open()))
    kernels = sorted({r["kernel"] for r in rows})
    by = {(r["kernel"], float(r["rs"])): r for r in rows}
    rs_values = sorted({float(r["rs"]) for r in rows})
    head = (
        "| r_s | "
        + " | ".join(f"Q0 {k}" for k in kernels)
        + " | "
        + " | ".join(f"d_eq {k} (bohr)" for k in kernels)
        + " |"
    )
    lines = [head, "|" + "---|" * (1 + 2 * len(kernels))]
    for rs in rs_values:
        cells = [f"{rs:g}"]
        cells += [f"{float(by[(k, rs)]['friction_q0']):.5f}" if (k, rs) in by else "" for k in kernels]
        cells += [f"{float(by[(k, rs)]['d_eq']):.4f}" if (k, rs) in by else "" for k in kernels]
        lines.append("| " + " | ".join(cells) + " |")
    return f"From `{path.relative_to(ROOT)}` (`snakemake sweep`; Q0 in a.u. for Z = 1):\n\n" + "\n".join(lines)


def stopping_block(path: Path) -> str:
    rows = list(csv.DictReader(path.open()))
    head = (
        "| kernel | r_s | v_peak (v_F) | v_peak (a.u.) | S_peak (Ha/bohr) | S_peak (eV/angstrom) | plasmon share "
        "| Q0 (a.u.) |"
    )
    lines = [head, "|" + "---|" * 8]
    for r in rows:
        lines.append(
            f"| {r['kernel']} | {float(r['rs']):g} | {float(r['v_peak_over_vF']):.3f} | {float(r['v_peak']):.4f} "
            f"| {float(r['S_peak']):.5f} | {float(r['S_peak_eV_per_A']):.3f} | {float(r['plasmon_share_peak']):.3f} "
            f"| {float(r['friction_q0']):.5f} |"
        )
    return f"`{path.relative_to(ROOT)}` (default configuration):\n\n" + "\n".join(lines)


def matrix_block() -> str:
    """Package module -> the rules whose script imports it (their code inputs)."""
    from viscous_forces.codedeps import package_closure

    src = ROOT / "src"
    scripts = sorted((ROOT / "workflow" / "scripts").glob("*.py"))
    closures = {s.stem: {str(p.relative_to(src / "viscous_forces")) for p in package_closure(s, src)} for s in scripts}
    kernel_dir = src / "viscous_forces" / "core" / "kernels"
    kernels = sorted(p.stem for p in kernel_dir.glob("*.py") if "KERNEL = Kernel(" in p.read_text())
    kernel_closures = {
        k: {str(p.relative_to(src / "viscous_forces")) for p in package_closure(kernel_dir / f"{k}.py", src)}
        for k in kernels
    }
    lines = ["| module | rules that rerun when it changes (and everything downstream of them) |", "|---|---|"]
    for module in sorted(str(p.relative_to(src / "viscous_forces")) for p in (src / "viscous_forces").rglob("*.py")):
        rules = [r for r, mods in closures.items() if module in mods]
        users = [k for k, mods in kernel_closures.items() if module in mods]
        if users and "tabulate_kernel" not in rules:
            rules.append(f"tabulate_kernel of {', '.join(users)}")
        lines.append(f"| `{module}` | {', '.join(rules) or '(none)'} |")
    return "Generated by `make readme` from the imports of each rule's script:\n\n" + "\n".join(lines)


def mutation_block(path: Path) -> str:
    """The summary of benchmarks/mutation.md: how it was run, the per-module table, the equivalent kinds."""
    text = path.read_text()
    head = text.split("## Surviving mutants")[0].strip().splitlines()[1:]  # drop the file's title
    head = [line for line in head if not line.startswith("- `")]  # the argued equivalents: in the file
    head = [
        line.replace("(benchmarks/mutation_equivalents.yaml):", "(benchmarks/mutation_equivalents.yaml).")
        for line in head
    ]
    survivors = re.search(r"## Surviving mutants \((\d+)\)", text)
    tail = f"{survivors.group(1)} surviving mutants, each with its diff, are listed" if survivors else "Details are"
    return "\n".join(head).strip() + f"\n\n{tail} in `benchmarks/mutation.md` (`make mutation`)."


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:START -->\n).*?(\n<!-- {name}:END -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {name} block")
    return pattern.sub(lambda m: m.group(1) + content + m.group(2), text)


def main() -> int:
    text = README.read_text()
    summary = ROOT / "results" / "tables" / "summary.csv"
    if summary.is_file():
        text = replace_block(text, "SUMMARY", summary_block(summary))
        for fig in ("fig2.png", "fig5.png"):
            shutil.copyfile(ROOT / "results" / "figures" / fig, ROOT / "docs" / fig)
    else:
        print("no results/tables/summary.csv: run `make paper` first", file=sys.stderr)
    vib = ROOT / "results" / "tables" / "vibrations.csv"
    if vib.is_file():
        text = replace_block(text, "VIBRATIONS", vibration_block(vib))
    sweep = ROOT / "results" / "tables" / "friction_sweep.csv"
    if sweep.is_file():
        text = replace_block(text, "SWEEP", sweep_block(sweep))
    verdict = ROOT / "results" / "tables" / "viscous_correction_verdict.txt"
    if verdict.is_file():
        text = replace_block(
            text,
            "VERDICT",
            "From `results/tables/viscous_correction_verdict.txt`:\n\n```\n" + verdict.read_text().strip() + "\n```",
        )
    stopping = ROOT / "results" / "tables" / "stopping.csv"
    if stopping.is_file():
        text = replace_block(text, "STOPPING", stopping_block(stopping))
    text = replace_block(text, "MATRIX", matrix_block())
    bench = ROOT / "benchmarks" / "results.md"
    if bench.is_file():
        body = bench.read_text().strip()
        body = re.sub(r"^# ", "### ", body)  # the file's title becomes a subsection
        text = replace_block(text, "BENCHMARK", body)
    mutation = ROOT / "benchmarks" / "mutation.md"
    if mutation.is_file():
        text = replace_block(text, "MUTATION", mutation_block(mutation))
    values = facts.facts()
    README.write_text(facts.fill(text, values))
    for doc in facts.DOCUMENTS:
        if doc != README:
            doc.write_text(facts.fill(doc.read_text(), values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
