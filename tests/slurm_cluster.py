"""Helpers for tests that need a real (local, single-node) SLURM cluster.

Not a test module. Usage::

    from slurm_cluster import local_slurm_cluster, sbatch_job_ids_from_log

    def test_something(tmp_path):
        with local_slurm_cluster():
            ...  # sbatch / snakemake --profile profiles/slurm work here

or use the module-scoped fixture ``slurm_cluster`` (import it into the test
module or a conftest.py)::

    from slurm_cluster import slurm_cluster  # noqa: F401  (pytest fixture)

    def test_other(slurm_cluster, tmp_path):
        ...

The cluster is started by ``scripts/slurm/start_cluster.sh`` (which installs
SLURM with apt-get when needed) and always stopped by
``scripts/slurm/stop_cluster.sh`` afterwards, also when the body raises. If
SLURM cannot be installed/run here (start exits 3, e.g. not root or no
apt-get) the test is skipped with the script's reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPTS_DIR = REPO_ROOT / "scripts" / "slurm"
START_SCRIPT = SCRIPTS_DIR / "start_cluster.sh"
STOP_SCRIPT = SCRIPTS_DIR / "stop_cluster.sh"
SLURM_PROFILE = REPO_ROOT / "profiles" / "slurm"

#: exit code of start_cluster.sh meaning "SLURM not available here: skip"
SKIP_EXIT_CODE = 3

# Log lines of snakemake-executor-plugin-slurm (2.x) on submission, e.g.
#   "Job 1 has been submitted with SLURM jobid 17 (log: /.../17.log)."
#   "Submitted array job with Snakemake IDs 1,2 and SLURM job ID 18. ..."
_SUBMITTED_RE = re.compile(r"has been submitted with SLURM jobid (\d+(?:_\d+)?)")
_SUBMITTED_ARRAY_RE = re.compile(r"Submitted array job with Snakemake IDs \S+ and SLURM job ID (\d+)")


def sbatch_job_ids_from_log(text: str) -> list[str]:
    """Return the SLURM job ids that snakemake's slurm executor reports as
    submitted in ``text`` (its stderr/log), in order of appearance, without
    duplicates. Array jobs contribute their parent job id."""
    found: list[tuple[int, str]] = []
    for rx in (_SUBMITTED_RE, _SUBMITTED_ARRAY_RE):
        found.extend((m.start(), m.group(1)) for m in rx.finditer(text))
    ids: list[str] = []
    for _, jid in sorted(found):
        if jid not in ids:
            ids.append(jid)
    return ids


def slurm_plugin_path() -> tuple[Path, ...]:
    """Where the SLURM executor plugin is, for the PYTHONPATH of a SLURM run: () if the venv has it
    (`make setup-slurm`), else the test suite's copy outside the venv's site-packages that
    `make setup-dev` installs (``.venv/slurm-plugin``), so that the suite's other runs do not load it.

    Raises AssertionError if neither exists.
    """
    import importlib.util

    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None:
        return ()
    side = Path(sys.executable).parent.parent / "slurm-plugin"
    if not (side / "snakemake_executor_plugin_slurm").is_dir():
        raise AssertionError(
            f"the SLURM executor plugin is not installed (neither in the venv nor in {side}): run `make setup-dev`"
        )
    return (side,)


def snakemake_executable() -> str:
    """The ``snakemake`` next to the running Python (works in any venv)."""
    exe = Path(sys.executable).with_name("snakemake")
    return str(exe) if exe.exists() else "snakemake"


def _run_script(script: Path, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(script)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def stop_cluster(timeout: float = 120) -> subprocess.CompletedProcess:
    """Run stop_cluster.sh (never raises on a non-zero exit; prints output)."""
    try:
        proc = _run_script(STOP_SCRIPT, timeout)
    except subprocess.TimeoutExpired as exc:  # pragma: no cover - defensive
        print(f"[slurm_cluster] stop_cluster.sh timed out: {exc}", file=sys.stderr)
        return subprocess.CompletedProcess(exc.cmd, -1, "", "timeout")
    out = (proc.stdout + proc.stderr).strip()
    if out:
        print(f"[slurm_cluster] stop_cluster.sh (exit {proc.returncode}):\n{out}", file=sys.stderr)
    return proc


@contextlib.contextmanager
def local_slurm_cluster(start_timeout: float = 900) -> Iterator[None]:
    """Start the local SLURM cluster, yield, and always stop it again.

    Skips the calling test (``pytest.skip``) if start_cluster.sh exits 3,
    fails it with the daemon logs if starting fails otherwise.
    ``start_timeout`` covers a first-time apt-get install.
    """
    t0 = time.monotonic()
    try:
        try:
            proc = _run_script(START_SCRIPT, start_timeout)
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"start_cluster.sh did not finish within {start_timeout} s: {exc}", pytrace=False)
        out = (proc.stdout + proc.stderr).strip()
        if proc.returncode == SKIP_EXIT_CODE:
            skip_lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("SKIP:")]
            reason = skip_lines[-1][len("SKIP:") :].strip() if skip_lines else out or "SLURM not available"
            reason = f"local SLURM cluster unavailable: {reason}"
            print(f"[slurm_cluster] {reason}", file=sys.stderr)
            pytest.skip(reason)
        if proc.returncode != 0:
            pytest.fail(
                f"start_cluster.sh failed (exit {proc.returncode}):\n{out}",
                pytrace=False,
            )
        print(
            f"[slurm_cluster] cluster started in {time.monotonic() - t0:.1f} s\n{out}",
            file=sys.stderr,
        )
        yield
    finally:
        stop_cluster()


@pytest.fixture(scope="module")
def slurm_cluster() -> Iterator[Path]:
    """Module-scoped fixture: a running local SLURM cluster. Yields the
    absolute path of the SLURM profile directory (profiles/slurm)."""
    with local_slurm_cluster():
        yield SLURM_PROFILE


def run_snakemake(
    workdir: Path,
    *args: str,
    profile: Path = SLURM_PROFILE,
    timeout: float = 600,
    env: dict | None = None,
) -> subprocess.CompletedProcess:
    """Run ``snakemake --profile <profile> *args`` in ``workdir`` and return
    the completed process (text stdout/stderr; does not raise on failure)."""
    cmd = [snakemake_executable(), "--profile", str(Path(profile).resolve()), *args]
    run_env = dict(os.environ if env is None else env)
    run_env["PYTHONPATH"] = os.pathsep.join(
        [*map(str, slurm_plugin_path()), *filter(None, [run_env.get("PYTHONPATH")])]
    )
    # the venv's bin must be on PATH inside the SLURM job too (sbatch exports
    # the submitting environment), so that the job step finds snakemake
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in run_env.get("PATH", "").split(os.pathsep):
        run_env["PATH"] = venv_bin + os.pathsep + run_env.get("PATH", "")
    return subprocess.run(
        cmd,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=run_env,
    )
