"""Helpers to run the Snakemake workflow from tests (a module, not a test file)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "Snakefile"
TINY_CONFIG = REPO / "tests" / "configs" / "tiny.yaml"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def copy_repository(dest: Path) -> Path:
    """A copy of the workflow and the package (Snakefile, config.yaml, workflow/, src/, envs/, profiles/) in ``dest``.

    Tests that edit code work on such a copy; :func:`run_snakemake` puts the copy's package first on
    PYTHONPATH, so that the workflow and its jobs run it.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "config.yaml"):
        shutil.copy2(REPO / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("workflow", "src", "envs", "profiles"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    return dest


def run_snakemake(
    workdir: Path,
    *args: str,
    configfile: Path = TINY_CONFIG,
    check: bool = True,
    timeout: float = 600,
    snakefile: Path = SNAKEFILE,
    pythonpath: tuple[Path, ...] = (),
):
    """Run snakemake on ``snakefile`` (the repository's by default) in ``workdir``; return the CompletedProcess.

    ``pythonpath``: further directories for the run's PYTHONPATH, after the package's (the SLURM
    executor plugin of the test suite, :func:`slurm_cluster.slurm_plugin_path`).
    """
    cmd = [
        SNAKEMAKE,
        "--snakefile",
        str(snakefile),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--cores",
        "2",
        *args,
    ]
    path = [str(Path(snakefile).parent / "src"), *map(str, pythonpath)]  # the package next to the Snakefile
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
    return proc


#: The loop of a :class:`DryRunner` process: one Snakemake command line (JSON) per input line, its
#: exit code and output (JSON) per output line.
_WORKER = r"""
import contextlib, importlib, io, json, sys, traceback
from snakemake.cli import args_to_api, parse_args
for line in sys.stdin:
    importlib.invalidate_caches()  # modules added since the last run are found
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            sys.argv = ["snakemake", *json.loads(line)]  # what the workflow sees of the command line
            parser, args = parse_args(sys.argv[1:])
            rc = 0 if args_to_api(args, parser) else 1
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            traceback.print_exc()
            rc = 1
    sys.__stdout__.write(json.dumps({"rc": rc, "out": buf.getvalue()}) + "\n")
    sys.__stdout__.flush()
"""


class DryRunner:
    """Snakemake dry runs of one workflow copy in one long-lived Python process.

    Each call is what ``snakemake -n ...`` does on the command line (Snakemake's own argument
    parser and API, a fresh workflow each time), without importing Snakemake again: 0.5 s instead
    of 3 s a dry run.  The process runs the package next to ``snakefile``.
    """

    def __init__(self, workdir: Path, snakefile: Path = SNAKEFILE):
        self.workdir, self.snakefile = Path(workdir), Path(snakefile)
        env = dict(os.environ, PYTHONPATH=str(self.snakefile.parent / "src"))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=self.workdir,
            env=env,
        )

    def __call__(self, *args: str, configfile: Path = TINY_CONFIG, check: bool = True):
        """``snakemake -n`` with ``args``; an object with ``returncode``, ``stdout`` and ``stderr``."""
        argv = ["--snakefile", str(self.snakefile), "--directory", str(self.workdir)]
        argv += ["--configfile", str(configfile), "--cores", "2", "-n", *args]
        self.proc.stdin.write(json.dumps(argv) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the dry-run process died ({self.proc.poll()})")
        reply = json.loads(line)
        result = subprocess.CompletedProcess(argv, reply["rc"], reply["out"], "")
        if check and result.returncode != 0:
            raise AssertionError(f"snakemake -n failed ({result.returncode}):\n{result.stdout[-6000:]}")
        return result

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


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


def traced_package_modules(code: str, src: Path) -> set[str]:
    """Package files (relative to ``src``) loaded by running ``code`` in a fresh interpreter.

    The dynamic counterpart of viscous_forces.codedeps: what Python really imports.
    """
    probe = (
        "import json, sys\n" + code + "\n"
        "files = [getattr(m, '__file__', None) for m in list(sys.modules.values())]\n"
        "print(json.dumps(sorted(f for f in files if f and f.startswith(sys.argv[1]))))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", probe, str(src)], capture_output=True, text=True, env=env, check=True)
    return {str(Path(f).relative_to(src)) for f in json.loads(out.stdout.strip().splitlines()[-1])}
