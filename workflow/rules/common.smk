"""Configuration checks, wildcard constraints, code inputs and input helpers shared by all rules."""

import json
from pathlib import Path

import jsonschema
from snakemake.exceptions import WorkflowError
import yaml

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

from viscous_forces.codedeps import package_closure
from viscous_forces.core.kernels import (
    available_kernels,
    get_kernel,
    kernel_module_file,
)
from viscous_forces.core.dynamics import get_impurity
from viscous_forces.figures.velocities import FIGURE_QUANTITIES

SCHEMA_PATH = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"


def _fill_defaults(schema, value):
    """Recursively insert the schema's defaults for missing object keys."""
    types = schema.get("type")
    is_object = types == "object" or (isinstance(types, list) and "object" in types)
    if is_object and isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            if key not in value and "default" in sub:
                value[key] = json.loads(json.dumps(sub["default"]))
            if key in value:
                _fill_defaults(sub, value[key])
    return value


def _describe(error):
    """One line naming the key, the value and what is allowed."""
    key = "config" + "".join(
        f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
    )
    key = key.replace("config.", "", 1) if error.absolute_path else "config"
    sub = error.schema if isinstance(error.schema, dict) else {}
    desc = sub.get("description", "")
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{key}: {error.message}; allowed keys: {allowed}"
    allowed = []
    for word, sym in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ):
        if word in sub:
            allowed.append(f"{sym} {sub[word]}")
    if "enum" in sub:
        allowed.append("one of " + ", ".join(map(str, sub["enum"])))
    if "type" in sub:
        allowed.append(f"type {sub['type']}")
    detail = f" (allowed: {', '.join(allowed)})" if allowed else ""
    return f"{key} = {error.instance!r} is invalid: {error.message}{detail}" + (
        f" [{desc.strip()}]" if desc else ""
    )


def validate_config(config):
    """Check the config against the schema and the kernels; raise one readable error."""
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    _fill_defaults(schema, config)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path))
    )
    problems = [_describe(e) for e in errors]
    known = available_kernels()
    for k in config.get("kernels", []):
        if k not in known:
            problems.append(
                f"kernels: unknown kernel {k!r}; available: {', '.join(known)}"
            )
    for k, params in config.get("kernel_params", {}).items():
        if k not in known:
            problems.append(
                f"kernel_params.{k}: unknown kernel {k!r}; available: {', '.join(known)}"
            )
            continue
        try:
            get_kernel(k).params(**params)
        except ValueError as exc:
            problems.append(f"kernel_params.{k}: {exc}")
    plot = config.get("plot", {})
    if plot.get("fig1_rs") not in config.get("rs", []):
        problems.append(
            f"plot.fig1_rs = {plot.get('fig1_rs')!r} must be one of rs = {config.get('rs')}"
        )
    for k in plot.get("fig1_kernels", []):
        if k not in config.get("kernels", []):
            problems.append(
                f"plot.fig1_kernels: {k!r} is not in kernels = {config.get('kernels')}"
            )
    eq = config.get("equilibrium", {})
    d_max = config.get("grid", {}).get("d_max", 15)
    if not eq.get("d_min", 1) < d_max:
        problems.append(
            f"equilibrium.d_min = {eq.get('d_min')!r} must be < grid.d_max = {d_max!r} bohr"
        )
    if not eq.get("curve_d_min", 3) < eq.get("curve_d_max", 12):
        problems.append(
            "equilibrium.curve_d_min must be < equilibrium.curve_d_max (bohr)"
        )
    for key in config.get("pulse", {}).get("durations", {}):
        if key not in {rs_label(r) for r in config.get("rs", [])}:
            problems.append(
                f"pulse.durations: key {key!r} is not one of rs = {config.get('rs')}"
            )
    pulse = config.get("pulse", {})
    if pulse.get("shape") == "ac" and pulse.get("frequency") is None:
        problems.append("pulse.frequency must be set (Ha, > 0) for pulse.shape = ac")
    if problems:
        raise ValueError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


def rs_label(rs):
    """File-name form of an rs value: 2 -> '2', 2.5 -> '2.5'."""
    return f"{float(rs):g}"


validate_config(config)
RESULTS = "results"
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


def code(script):
    """The package modules that ``workflow/scripts/<script>.py`` imports (its code inputs)."""
    return [str(p) for p in package_closure(SCRIPTS / f"{script}.py", SRC)]


def kernel_code(wildcards):
    """The modules of one kernel (its module and what it imports): tabulate_kernel's extra inputs."""
    path = kernel_module_file(wildcards.kernel)
    return [str(p) for p in package_closure(path, SRC)] if path else []


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
    out = expand(f"{RESULTS}/figures/fig{{n}}.{{ext}}", n=[1], ext=["pdf", "png"])
    figs = [f for f in ("2", "3", "4", "5") if figure_geometry(f) in GEOMETRIES]
    out += expand(f"{RESULTS}/figures/fig{{n}}.{{ext}}", n=figs, ext=["pdf", "png"])
    out += [f"{RESULTS}/tables/summary.csv"]
    if EXTRA_IMPURITIES:
        out += [f"{RESULTS}/tables/impurities.csv"]
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
