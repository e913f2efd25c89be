"""Helpers to run the Snakemake workflow from tests (a module, not a test file)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "Snakefile"
TINY_CONFIG = REPO / "tests" / "configs" / "tiny.yaml"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def run_snakemake(workdir: Path, *args: str, configfile: Path = TINY_CONFIG, check: bool = True, timeout: float = 600):
    """Run snakemake on the repository's Snakefile in ``workdir``; return the CompletedProcess."""
    cmd = [SNAKEMAKE, "--snakefile", str(SNAKEFILE), "--directory", str(workdir), "--configfile", str(configfile),
           "--cores", "2", *args]
    env = dict(os.environ)
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
    return proc


def planned_jobs(proc) -> dict[str, int]:
    """Rule -> job count from the 'Job stats' table of a (dry) run; {} if nothing to be done."""
    text = proc.stdout + proc.stderr
    if "Nothing to be done" in text:
        return {}
    m = re.search(r"Job stats:\n(.*?)\ntotal\s+\d+", text, re.S)
    if not m:
        raise AssertionError(f"no job stats in snakemake output:\n{text[-3000:]}")
    counts = {}
    for line in m.group(1).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    return counts


def planned_outputs(proc) -> set[str]:
    """Output paths of the jobs a dry run would execute."""
    text = proc.stdout + proc.stderr
    return {p.strip() for line in re.findall(r"^\s+output: (.+)$", text, re.M) for p in line.split(",")}


def write_config(path: Path, **changes) -> Path:
    """The tiny config with nested ``changes`` (dicts merged one level deep) written to ``path``."""
    cfg = yaml.safe_load(TINY_CONFIG.read_text())
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            for k2, v2 in value.items():
                if isinstance(v2, dict) and isinstance(cfg[key].get(k2), dict):
                    cfg[key][k2].update(v2)
                else:
                    cfg[key][k2] = v2
        else:
            cfg[key] = value
    path.write_text(yaml.safe_dump(cfg))
    return path
