"""Configuration checks, wildcard constraints and input helpers shared by all rules."""

import json
from pathlib import Path

import jsonschema
import yaml

import viscous_forces
from viscous_forces.kernels import KERNELS, get_kernel

PACKAGE_DIR = Path(viscous_forces.__file__).parent
SCHEMA_PATH = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"


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
    """Check the config against the schema and the kernel registry; raise one readable error."""
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    _fill_defaults(schema, config)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path))
    )
    problems = [_describe(e) for e in errors]
    for k in config.get("kernels", []):
        if k not in KERNELS:
            problems.append(
                f"kernels: unknown kernel {k!r}; allowed: {', '.join(sorted(KERNELS))}"
            )
    for k, params in config.get("kernel_params", {}).items():
        if k not in KERNELS:
            problems.append(
                f"kernel_params.{k}: unknown kernel {k!r}; allowed: {', '.join(sorted(KERNELS))}"
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


def package_files(*names):
    """Package modules a rule's results depend on (inputs, so that editing them reruns the rule)."""
    return [str(PACKAGE_DIR / n) for n in dict.fromkeys(names)]


#: Glue every physics stage depends on.
CORE = ("__init__.py", "electron_gas.py", "io.py", "stages.py")


def kernel_params(kernel):
    """The complete, validated parameter set of a kernel (defaults + config overrides)."""
    return canonical(
        get_kernel(kernel).params(**config["kernel_params"].get(kernel, {}))
    )


def impurity_params(imp=""):
    """Z1, Z2, M1, M2 of the primary impurity (imp = "") or of a preset (imp = "_<name>")."""
    from viscous_forces.dynamics import get_impurity

    spec = config["impurity"] if imp == "" else imp.lstrip("_")
    i = get_impurity(spec)
    return {"M1": i.M1, "M2": i.M2, "Z1": i.Z1, "Z2": i.Z2}


def kernel_sources(wildcards):
    return package_files(*get_kernel(wildcards.kernel).sources)


def cfg(*keys):
    """A config section for a rule's params, in canonical (sorted-key) form."""
    value = config
    for k in keys:
        value = value[k]
    return canonical(value)


def figure_geometry(fig):
    return {
        "2": "parallel",
        "3": "perpendicular",
        "4": "parallel",
        "5": "perpendicular",
    }[str(fig)]


#: Outputs of optional rule files (e.g. analysis.smk appends its tables and figures here).
EXTRA_OUTPUTS = []


def all_outputs():
    out = expand("results/figures/fig{n}.{ext}", n=[1], ext=["pdf", "png"])
    figs = [f for f in ("2", "3", "4", "5") if figure_geometry(f) in GEOMETRIES]
    out += expand("results/figures/fig{n}.{ext}", n=figs, ext=["pdf", "png"])
    out += ["results/tables/summary.csv"]
    if EXTRA_IMPURITIES:
        out += ["results/tables/impurities.csv"]
    return out + EXTRA_OUTPUTS


def pulse_inputs(wildcards):
    """The RPA responses of both geometries, unless T is set explicitly for this rs."""
    if explicit_duration(wildcards.rs) is not None:
        return []
    return expand(
        "results/response/rpa/rs{rs}_{geometry}.nc",
        rs=wildcards.rs,
        geometry=["parallel", "perpendicular"],
    )


def explicit_duration(rs):
    pulse = config["pulse"]
    return pulse["durations"].get(rs, pulse["duration"])
