"""What ran where: machine, versions, commit and how busy the machine was."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def git_state(repo: Path) -> str:
    rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return rev.stdout.strip() + (" (+ uncommitted changes)" if dirty.stdout.strip() else "")


def versions() -> str:
    import numpy
    import scipy
    import snakemake
    import xarray

    return (
        f"Python {platform.python_version()}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
        f"xarray {xarray.__version__}, snakemake {snakemake.__version__}"
    )


def describe(repo: Path) -> list[str]:
    return [
        f"machine: {os.cpu_count()} cores, {cpu_model()}, {memory_gib():.0f} GiB RAM; Snakemake runs use --cores 2",
        versions(),
        f"git {git_state(repo)}; load average at start {os.getloadavg()[0]:.2f}",
    ]
