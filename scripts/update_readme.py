"""Fill the generated blocks of README.md from the run's outputs (never typed by hand).

    .venv/bin/python scripts/update_readme.py

* SUMMARY: results/tables/summary.csv as a markdown table;
* BENCHMARK: benchmarks/results.md (written by `make bench`);
* VERDICT: results/tables/viscous_correction_verdict.txt (the paper's 40 % claim);
* docs/fig2.png, docs/fig5.png: copies of the figures shown in the README.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    verdict = ROOT / "results" / "tables" / "viscous_correction_verdict.txt"
    if verdict.is_file():
        text = replace_block(text, "VERDICT", "From `results/tables/viscous_correction_verdict.txt`:\n\n```\n"
                             + verdict.read_text().strip() + "\n```")
    bench = ROOT / "benchmarks" / "results.md"
    if bench.is_file():
        body = bench.read_text().strip()
        body = re.sub(r"^# ", "### ", body)  # the file's title becomes a subsection
        text = replace_block(text, "BENCHMARK", body)
    README.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
