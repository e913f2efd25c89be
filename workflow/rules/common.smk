"""Configuration checks, wildcard constraints, code inputs and input helpers shared by all rules."""

import sys
from pathlib import Path
from types import SimpleNamespace

from snakemake.exceptions import WorkflowError

import viscous_forces

# Each rule's code inputs are files of the package next to this workflow (src/); the jobs must
# import that same package (`pip install -e .`, as `make setup` does, or PYTHONPATH=src).
SRC = Path(workflow.basedir) / "src"
if Path(viscous_forces.__file__).resolve().parent != (SRC / "viscous_forces").resolve():
    raise WorkflowError(
        f"the workflow in {workflow.basedir} needs its own package {SRC / 'viscous_forces'}, but Python "
        f"imports {Path(viscous_forces.__file__).parent}; run `make setup` (pip install -e .) in "
        f"{workflow.basedir} or set PYTHONPATH={SRC}"
    )

from viscous_forces import jobs, provenance

SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"
# The job server (viscous_forces.jobs) imports, once per run, every module a job could import: it
# starts while Snakemake is still planning unless the command line runs no job here (-n, --lint,
# ...), else when the first job is about to run.
if workflow.is_main_process and jobs.runs_jobs(sys.argv[1:]):
    jobs.start_server(SCRIPTS, SRC)


# Job priorities (each rule's `priority:`).  Among the jobs ready to run, Snakemake starts those
# of the highest priority first.  The paper's rules are ranked by how much work each job still
# gates: the chi^h maps and their figure first (the longest single job, which then runs on one core
# while the (kernel, r_s) chains use the other), then the stages of the chains in their order
# (tabulate_kernel 8 ... compute_velocity 3), the figures (2) and the short tables (1) last.  Without
# this, a chain whose first job reads nothing big is started last (ties go to the larger input)
# and the run ends with one core waiting for it.  Priorities change the order of jobs, never
# what runs or what it computes.


#: The console of a local run: one line per finished job (viscous_forces.jobs.Console).
CONSOLE = []


onstart:
    if workflow.is_main_process:
        for folder in (
            RESULTS,
            LOGS,
        ):  # a read-only folder is named before any job starts
            check_writable(folder)
        jobs.start_server(SCRIPTS, SRC)
        if workflow.local_exec:
            runs = [j for j in workflow.dag.needrun_jobs() if not j.rule.norun]
            CONSOLE.append(jobs.Console.install(len(runs)))


jobs.coalesce_scheduler_wakeups()
jobs.remember_checksums()
jobs.serialize_params_without_pandas()
from viscous_forces.codedeps import (
    fingerprint,
    load_import_cache,
    package_closure,
    save_import_cache,
    write_stamp,
)
from viscous_forces.config import load_schema, run_name, rs_label
from viscous_forces.run_names import check_writable
from viscous_forces.config import validate as validate_config
from viscous_forces.resources import job_mb
from viscous_forces.core.kernels import get_kernel, kernel_module_file
from viscous_forces.core.dynamics import get_impurity
from viscous_forces.figures import FIGURE_QUANTITIES

SCHEMA_PATH = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"

validate_config(config, load_schema(SCHEMA_PATH))


def configuration_file():
    """The configuration file that names this run: the last --configfile, else the workflow's
    config.yaml in the working directory (None if there is none)."""
    cli = list(workflow.overwrite_configfiles)
    if cli:
        return cli[-1]
    return "config.yaml" if Path("config.yaml").is_file() else None


#: Every output of this run lives under results/<name>/ and logs/<name>/; only the repository's own
#: config.yaml (the paper) runs unnamed (viscous_forces.config.run_name).
RUN = run_name(
    config["run"]["name"], configuration_file(), Path(workflow.basedir) / "config.yaml"
)
config["run"]["name"] = RUN or None  # the name in force (the report's text shows it)
RESULTS = f"results/{RUN}".rstrip("/")
LOGS = f"logs/{RUN}".rstrip("/")
RS = [rs_label(r) for r in config["rs"]]
EXTRA_IMPURITIES = list(config["extra_impurities"])
KERNEL_NAMES = list(config["kernels"])
GEOMETRIES = list(config["geometries"])


wildcard_constraints:
    rs=r"[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?",
    kernel=r"[a-z][a-z0-9_]*",
    geometry="parallel|perpendicular",
    imp="(|_[a-z][a-z0-9]*)",
    fig="[2-5]",


def canonical(obj):
    """Dicts with sorted keys, recursively: rule params compare by their text, so the order of
    keys in a config file must not matter."""
    if isinstance(obj, dict):
        return {k: canonical(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [canonical(v) for v in obj]
    return obj


#: One code stamp per rule script and per kernel (viscous_forces.codedeps.write_stamp), shared by
#: every run in this working directory: a rule's code input, rewritten only when its code changes.
CODE_STAMPS = Path("results") / ".code"
IMPORT_CACHE = CODE_STAMPS / "imports.json"
load_import_cache(IMPORT_CACHE)
_STAMPS = {}


def code_stamp(name, files):
    """The code stamp ``results/.code/<name>.txt`` of ``files``, brought up to date."""
    if name not in _STAMPS:
        path = CODE_STAMPS / f"{name}.txt"
        try:
            write_stamp(path, fingerprint(files, workflow.basedir))
        except OSError as exc:
            raise WorkflowError(
                f"cannot write {path} in {Path.cwd()} ({exc.strerror or exc}): the workflow "
                "writes its results here; run it in a directory you can write to"
            ) from None
        _STAMPS[name] = str(path)
    return _STAMPS[name]


def code(script):
    """The code input of a rule: the stamp of its script ``workflow/scripts/<script>.py`` and
    of the package modules that the script imports."""
    path = SCRIPTS / f"{script}.py"
    return code_stamp(f"rule_{script}", [path, *package_closure(path, SRC)])


_PRODUCERS = {}
_CHAINS = {}


def producer(path):
    """(rule, wildcards) of the job that makes the workflow file ``path``, or None."""
    if path not in _PRODUCERS:
        found = None
        for r in workflow.rules:
            if not r.norun and r.is_producer(path):
                found = (r.name, tuple(sorted(r.get_wildcards(path).items())))
                break
        _PRODUCERS[path] = found
    return _PRODUCERS[path]


def input_paths(rule_name, w):
    """The input files of a job of ``rule_name`` with wildcards ``w`` (a namespace)."""
    out = []
    for item in getattr(rules, rule_name).input:
        value = item(w) if callable(item) else str(item).format(**vars(w))
        out += [value] if isinstance(value, str) else [str(v) for v in value]
    return out


def job_params(rule_name, w):
    """The parameters a job of ``rule_name`` with wildcards ``w`` (a namespace) receives."""
    return {
        k: v(w) if callable(v) else v
        for k, v in getattr(rules, rule_name).params.items()
    }


def params_stamp(rule_name):
    """An input function: the stamp of a job's parameters, ``results/<run>/.params/<rule>/<wildcards>.json``,
    rewritten only when they change.  Snakemake then reruns a job whose parameters changed even
    when its own records (.snakemake/) are lost, as it does for code (the code stamps).
    """

    def stamp(wildcards):
        items = (
            wildcards.items()
            if hasattr(wildcards, "items")
            else vars(wildcards).items()
        )
        wc = {k: str(v) for k, v in items}
        params = job_params(rule_name, SimpleNamespace(**wc))
        name = ",".join(f"{k}={v}" for k, v in sorted(wc.items()) if v != "") or "job"
        path = Path(RESULTS) / ".params" / rule_name / f"{name}.json"
        write_stamp(path, provenance.dumps(params) + "\n")
        return str(path)

    return stamp


def job_provenance(rule_name, wc):
    """The provenance of the outputs of a job (viscous_forces.provenance): its parameters and those of
    every job upstream, as the configuration in force gives them; ``wc`` = sorted wildcard items.
    """
    key = (rule_name, wc)
    if key not in _CHAINS:
        w = SimpleNamespace(**dict(wc))
        record = {provenance.job_name(rule_name, dict(wc)): job_params(rule_name, w)}
        for path in input_paths(rule_name, w):
            made_by = producer(path) if provenance.is_result(path) else None
            if made_by:
                record.update(job_provenance(*made_by))
        _CHAINS[key] = provenance.canonical(record)
    return _CHAINS[key]


def run_script(name, input, output, params, wildcards, log):
    """A rule's ``run:`` block: run ``workflow/scripts/<rule>.py`` for this job (viscous_forces.jobs).

    In Snakemake's own process (a local run) the job runs in a process forked from the job
    server; in a process that Snakemake started for this one job (a cluster job step, or a run
    without ``force-use-threads``) it runs right here.  The job checks the provenance of its
    netCDF inputs and stamps its own on its outputs (viscous_forces.provenance).
    """
    wc = tuple(sorted((k, str(v)) for k, v in wildcards.items()))
    expected = {}
    for path in map(str, input):
        made_by = producer(path) if provenance.is_result(path) else None
        if made_by:
            expected[path] = job_provenance(*made_by)
    job = jobs.Job.from_snakemake(
        name,
        SCRIPTS / f"{name}.py",
        input,
        output,
        params,
        wildcards,
        log,
        provenance=job_provenance(name, wc),
        expected=expected,
    )
    timing = jobs.run(job, fork=workflow.is_main_process)
    if CONSOLE:
        CONSOLE[0].finished(job, timing)


def kernel_stamp(kernel):
    """The code stamp of one kernel (its module and what it imports), or None for a kernel of
    another installed package (not tracked)."""
    path = kernel_module_file(kernel)
    if path is None:
        return None
    return code_stamp(f"kernel_{kernel}", package_closure(path, SRC))


def kernel_code(wildcards):
    """The code stamp of the job's kernel: extra code input of the rules that evaluate it."""
    stamp = kernel_stamp(wildcards.kernel)
    return [stamp] if stamp else []


def kernel_params(kernel):
    """The complete, validated parameter set of a kernel (defaults + config overrides)."""
    return canonical(
        get_kernel(kernel).params(**config["kernel_params"].get(kernel, {}))
    )


def impurity_params(imp=""):
    """Z1, Z2, M1, M2 of the primary impurity (imp = "") or of a preset (imp = "_<name>")."""
    spec = config["impurity"] if imp == "" else imp.lstrip("_")
    i = get_impurity(spec)
    return {"M1": i.M1, "M2": i.M2, "Z1": i.Z1, "Z2": i.Z2}


def cfg(*keys):
    """A config section for a rule's params, in canonical (sorted-key) form."""
    value = config
    for k in keys:
        value = value[k]
    return canonical(value)


def cfg_keys(section, keys):
    """Only ``keys`` of a config section, in canonical form."""
    return canonical({k: config[section][k] for k in keys})


def figure_geometry(fig):
    return FIGURE_QUANTITIES[int(fig)][0]


#: Outputs of optional rule files (e.g. analysis.smk appends its tables and figures here).
EXTRA_OUTPUTS = []


def all_outputs():
    """The paper's figures and tables, and every intermediate the README lists (so that a deleted
    intermediate is recreated by a plain `snakemake`)."""
    out = expand(f"{RESULTS}/figures/fig{{n}}.{{ext}}", n=[1], ext=["pdf", "png"])
    figs = [f for f in ("2", "3", "4", "5") if figure_geometry(f) in GEOMETRIES]
    out += expand(f"{RESULTS}/figures/fig{{n}}.{{ext}}", n=figs, ext=["pdf", "png"])
    out += [f"{RESULTS}/tables/summary.csv"]
    if EXTRA_IMPURITIES:
        out += [f"{RESULTS}/tables/impurities.csv"]
    for stage in ("kernel", "chi", "equilibrium"):
        out += expand(
            f"{RESULTS}/{stage}/{{kernel}}/rs{{rs}}.nc", kernel=KERNEL_NAMES, rs=RS
        )
    for stage in ("response", "velocity"):
        out += expand(
            f"{RESULTS}/{stage}/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        )
    out += expand(f"{RESULTS}/pulse/rs{{rs}}.nc", rs=RS)
    out += expand(
        f"{RESULTS}/chi/{{kernel}}/rs{{rs}}_map.nc", kernel=KERNEL_NAMES, rs=RS
    )
    out += expand(f"{RESULTS}/figures/chi_map.{{ext}}", ext=["pdf", "png"])
    return out + EXTRA_OUTPUTS


def pulse_inputs(wildcards):
    """The RPA responses of both geometries, unless T is set explicitly for this rs."""
    if explicit_duration(wildcards.rs) is not None:
        return []
    return expand(
        f"{RESULTS}/response/rpa/rs{{rs}}_{{geometry}}.nc",
        rs=wildcards.rs,
        geometry=["parallel", "perpendicular"],
    )


def explicit_duration(rs):
    pulse = config["pulse"]
    return pulse["durations"].get(rs, pulse["duration"])
