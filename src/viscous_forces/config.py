"""Validation of the workflow's configuration, before any job starts.

:func:`validate` fills the schema's defaults and returns a normalised configuration, or raises
one ``ValueError`` that lists every problem, each naming the key, the value (shortened) and what
is allowed.  Beyond the JSON schema (types, bounds, enums) it refuses non-finite numbers,
strings with control characters, configurations too large to be a configuration (a YAML alias
bomb), unknown kernels and kernel parameters, r_s values whose file labels would collide,
duplicated impurities, inconsistent cross-references, and configurations whose estimated peak
memory exceeds ``resources.max_memory_gb`` (:mod:`viscous_forces.resources`).
"""

from __future__ import annotations

import copy
import difflib
import math
import reprlib
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .core.cluster import make_cluster
from .core.impurity import IMPURITY_PRESETS, Impurity, get_impurity
from .core.kernels import available_kernels, get_kernel
from .resources import check_memory
from .run_names import MAX_RUN_NAME, RESERVED_RUN_NAMES, RUN_NAME, check_run_name, run_name  # noqa: F401

#: Most nodes (dict entries, list items, scalars) a configuration may expand to.
MAX_NODES = 20_000

_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxdict = 6
_SHORT.maxlevel = 3


def short(value: Any) -> str:
    """``repr`` of ``value`` cut to a readable length (nested containers elided).

    Parameters
    ----------
    value : Any
        Any value, e.g. an offending configuration entry.

    Returns
    -------
    str
        Its ``repr``, strings cut at 60 characters, containers at 6 items and 3 levels.
    """
    return _SHORT.repr(value)


def rs_label(rs) -> str:
    """File-name form of an r_s value that reads back to the same float: 2 -> '2', 2.5 -> '2.5',
    1.2345678 -> '1.2345678' (shortest exact form).

    Parameters
    ----------
    rs : float
        Density parameter (bohr).

    Returns
    -------
    str
        The label used in file names (``rs{label}.nc``): ``f"{rs:g}"`` if it reads back exactly,
        else ``repr(float(rs))``.
    """
    x = float(rs)
    text = f"{x:g}"
    return text if float(text) == x else repr(x)


def _key(path) -> str:
    out = ""
    for p in path:
        out += f"[{p!r}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "config"


def _walk(value, path, problems, budget):
    """Refuse oversized configurations, non-finite numbers and control characters."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError(
            f"invalid configuration:\n  {_key(path)}: the configuration expands to more than {MAX_NODES} "
            "entries (a YAML alias bomb?); refused before validation"
        )
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, [*path, k], problems, budget)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, [*path, i], problems, budget)
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{_key(path)} = {value!r} is invalid: numbers must be finite")
    elif isinstance(value, str) and any(ord(c) < 32 for c in value):
        problems.append(f"{_key(path)} = {short(value)} is invalid: control characters (newline, tab) are not allowed")


def _fill_defaults(schema, value):
    """Insert the schema's defaults for missing object keys; ``null`` for an object means defaults."""
    types = schema.get("type")
    is_object = types == "object" or (isinstance(types, list) and "object" in types)
    if is_object and isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            sub_types = sub.get("type")
            sub_object = sub_types == "object"
            if key in value and value[key] is None and sub_object:
                value[key] = copy.deepcopy(sub.get("default", {}))
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
            if key in value:
                _fill_defaults(sub, value[key])
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra.get("type") == "object":
            for key in value:
                if key not in schema.get("properties", {}) and value[key] is None:
                    value[key] = {}
    return value


def _yaml_float(value: float) -> str:
    """How to write ``value`` so that YAML reads a number: a decimal point and a signed exponent."""
    mantissa, _, exponent = f"{value:.15g}".partition("e")
    if not exponent:
        mantissa, _, exponent = f"{value:.15e}".partition("e")
        mantissa = mantissa.rstrip("0")
    if "." not in mantissa:
        mantissa += ".0"
    elif mantissa.endswith("."):
        mantissa += "0"
    exp = int(exponent)
    return f"{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp)}"


def _describe(error) -> str:
    key = _key(list(error.absolute_path))
    sub = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        guesses = []
        for k in extra:
            close = difflib.get_close_matches(str(k), known, n=1, cutoff=0.6)
            if close:
                guesses.append(f"{k!r} -> did you mean {close[0]!r}?")
        hint = f" ({'; '.join(guesses)})" if guesses else ""
        return f"{key}: unexpected key(s) {', '.join(map(repr, extra))}{hint}; allowed keys: {', '.join(known)}"
    allowed = []
    for word, sym in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if word in sub:
            allowed.append(f"{sym} {sub[word]}")
    if "enum" in sub:
        allowed.append("one of " + ", ".join(map(str, sub["enum"])))
    if "type" in sub:
        allowed.append(f"type {sub['type']}")
    detail = f" (allowed: {', '.join(allowed)})" if allowed else ""
    desc = sub.get("description", "").strip()
    if error.validator == "type" and isinstance(error.instance, str):
        try:
            value = float(error.instance)
        except ValueError:
            value = None
        if value is not None:
            if "e" in error.instance.lower():
                hint = f"YAML reads exponents without a decimal point and a sign as text; write {_yaml_float(value)}"
            else:
                hint = "remove the quotes"
            return f"{key} = {short(error.instance)} is a string, not a number: {hint}"
    if error.validator in ("maxItems", "minItems"):
        n = len(error.instance) if isinstance(error.instance, (list, dict)) else "?"
        limit = sub.get(error.validator)
        lo, hi = sub.get("minItems"), sub.get("maxItems")
        if lo is not None and lo == hi:
            bound = f"exactly {lo}"
        else:
            bound = ("at most " if error.validator == "maxItems" else "at least ") + str(limit)
        entries = "entry" if n == 1 else "entries"
        return f"{key} has {n} {entries}; {bound} allowed" + (f" [{desc}]" if desc else "")
    reason = {
        "uniqueItems": "has repeated values",
        "minItems": "is too short",
        "pattern": "is not an allowed name",
    }.get(error.validator, "is out of range or of the wrong type")
    return f"{key} = {short(error.instance)} is invalid: it {reason}{detail}" + (f" [{desc}]" if desc else "")


def _normalise_durations(config, problems):
    """pulse.durations: keys may be numbers or strings; stored under the r_s file label."""
    durations = config.get("pulse", {}).get("durations")
    if not isinstance(durations, dict):
        return
    labels = {rs_label(r): r for r in config.get("rs", []) if isinstance(r, (int, float))}
    out = {}
    for key, value in durations.items():
        try:
            label = rs_label(float(key))
        except (TypeError, ValueError):
            problems.append(f"pulse.durations: key {short(key)} is not a number (an r_s value of rs)")
            continue
        if label not in labels:
            problems.append(f"pulse.durations: key {short(key)} is not one of rs = {short(config.get('rs'))}")
            continue
        out[label] = value
    config["pulse"]["durations"] = out


def _check_rs_labels(config, key, problems):
    values = config.get(key) if "." not in key else config.get("analysis", {}).get(key.split(".")[1])
    seen = {}
    for i, r in enumerate(values or []):
        if not isinstance(r, (int, float)) or isinstance(r, bool):
            continue
        label = rs_label(r)
        if label in seen:
            problems.append(
                f"{key}[{i}] = {r!r} has the same file label '{label}' as {key}[{seen[label][0]}] = "
                f"{seen[label][1]!r}; give each r_s once"
            )
        seen[label] = (i, r)


def _check_cross(config, problems):
    known = available_kernels()
    for k in config.get("kernels", []):
        if isinstance(k, str) and k not in known:
            problems.append(f"kernels: unknown kernel {short(k)}; available: {', '.join(known)}")
    for k, params in config.get("kernel_params", {}).items():
        if k not in known:
            problems.append(f"kernel_params.{k}: unknown kernel {short(k)}; available: {', '.join(known)}")
            continue
        try:
            get_kernel(k).params(**(params or {}))
        except ValueError as exc:
            problems.append(f"kernel_params.{k}: {exc}")
    plot = config.get("plot", {})
    rs_values, kernels = config.get("rs", []), config.get("kernels", [])
    if plot.get("fig1_rs") is None and rs_values:
        plot["fig1_rs"] = rs_values[0]  # null: Fig. 1 at the first r_s
    elif plot.get("fig1_rs") not in rs_values:
        problems.append(f"plot.fig1_rs = {short(plot.get('fig1_rs'))} must be one of rs = {short(rs_values)}")
    for k in plot.get("fig1_kernels", []):
        if k not in known:
            problems.append(f"plot.fig1_kernels: unknown kernel {short(k)}; available: {', '.join(known)}")
    # Fig. 1 draws the configured kernels among plot.fig1_kernels, or every configured kernel if none is
    chosen = [k for k in plot.get("fig1_kernels", []) if k in kernels]
    plot["fig1_kernels"] = chosen or list(kernels)
    _check_appearance(plot, problems)
    eq = config.get("equilibrium", {})
    d_max = config.get("grid", {}).get("d_max")
    if isinstance(eq.get("d_min"), (int, float)) and isinstance(d_max, (int, float)) and not eq["d_min"] < d_max:
        problems.append(f"equilibrium.d_min = {eq['d_min']!r} must be < grid.d_max = {d_max!r} bohr")
    if not eq.get("curve_d_min", 0) < eq.get("curve_d_max", 1):
        problems.append("equilibrium.curve_d_min must be < equilibrium.curve_d_max (bohr)")
    if plot.get("cluster_rs") is not None and plot.get("cluster_rs") not in config.get("rs", []):
        problems.append(
            f"plot.cluster_rs = {short(plot.get('cluster_rs'))} must be one of rs = {short(config.get('rs'))}"
        )
    if plot.get("cluster_kernel") is not None and plot.get("cluster_kernel") not in config.get("kernels", []):
        problems.append(
            f"plot.cluster_kernel = {short(plot.get('cluster_kernel'))} must be one of kernels = "
            f"{short(config.get('kernels'))}"
        )
    for name, spec in config.get("clusters", {}).items():
        try:
            make_cluster(spec, 1.0)
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"clusters.{name}: {exc}")
    pulse = config.get("pulse", {})
    if pulse.get("shape") == "ac" and pulse.get("frequency") is None:
        problems.append("pulse.frequency must be set (Ha, > 0) for pulse.shape = ac")
    _check_impurities(config, problems)
    if not problems:
        _check_pulse_lengths(config, problems)


#: The line styles a figure accepts (``plot.styles``): matplotlib's names.
LINE_STYLES = ("-", "--", "-.", ":", "solid", "dashed", "dashdot", "dotted")


def _check_appearance(plot, problems):
    """plot.styles must be matplotlib line styles and plot.colors colours (checked before any job)."""
    for kernel, style in (plot.get("styles") or {}).items():
        if style not in LINE_STYLES:
            problems.append(
                f"plot.styles.{kernel} = {short(style)} is not a line style (allowed: "
                + ", ".join(repr(s) for s in LINE_STYLES)
                + ")"
            )
    defaults = {"rmcp07": "#0072B2", "mcp07": "#D55E00", "rpa": "#000000", "alda": "#009E73"}
    custom = {k: c for k, c in (plot.get("colors") or {}).items() if defaults.get(k) != c}
    if custom:
        from matplotlib.colors import is_color_like  # only for colours the user chose (0.2 s to import)

        for kernel, colour in custom.items():
            if not is_color_like(colour):
                problems.append(
                    f"plot.colors.{kernel} = {short(colour)} is not a colour (allowed: a matplotlib colour name "
                    "such as 'tab:blue' or 'black', a hex code such as '#0072B2', or a grey level such as '0.5')"
                )


def _check_pulse_lengths(config, problems):
    """An explicit pulse length must be resolved by the response: T >= 2 pi / (omega_max omega_p)."""
    from .core.electron_gas import ElectronGas

    pulse = config["pulse"]
    omega_max = config["frequency"]["omega_max"]
    worst = {}  # key -> (shortest allowed, r_s label, T)
    for rs in config["rs"]:
        label = rs_label(rs)
        duration = pulse["durations"].get(label, pulse["duration"])
        if duration is None:
            continue
        shortest = 2.0 * math.pi / (omega_max * ElectronGas(rs).omega_p)
        key = f"pulse.durations[{label}]" if label in pulse["durations"] else "pulse.duration"
        if duration < shortest and shortest > worst.get(key, (0.0,))[0]:
            worst[key] = (shortest, label, duration)
    for key, (shortest, label, duration) in worst.items():
        problems.append(
            f"{key} = {duration:.4g} a.u. of time is shorter than the shortest time the response resolves at "
            f"r_s = {label}, 2 pi/(frequency.omega_max omega_p) = {shortest:.4g} a.u. (its highest frequency is "
            f"{omega_max:g} omega_p): use a pulse of at least {shortest:.4g} a.u. or raise frequency.omega_max"
        )


def _check_stability(config, problems):
    """Every (kernel, r_s) the run computes must have a stable gas: eps(q, 0) > 0 for all q."""
    from .core.dyson import static_instability

    rs_values = list(dict.fromkeys([*config["rs"], *config.get("analysis", {}).get("sweep_rs", [])]))
    for kernel in config["kernels"]:
        params = config["kernel_params"].get(kernel) or {}
        for rs in rs_values:
            q = static_instability(rs, kernel, **get_kernel(kernel).params(**params))
            if q is not None:
                where = "rs" if rs in config["rs"] else "analysis.sweep_rs"
                problems.append(
                    f"{where}: r_s = {rs:g} with kernel {kernel} is a statically unstable electron gas: "
                    f"eps(q, 0) = 1 - (4 pi/q^2 + f_xc) chi_s <= 0 at q = {q:.3g} k_F (a charge-density wave), where "
                    "the linear response of the paper does not apply; use an r_s at which the gas is stable "
                    "(MCP07 and rMCP07: r_s below about 69)"
                )


def _impurity_values(spec) -> Impurity | None:
    try:
        return get_impurity(spec)
    except (ValueError, TypeError):
        return None


def _check_impurities(config, problems):
    primary = _impurity_values(config.get("impurity"))
    seen = {}
    for i, name in enumerate(config.get("extra_impurities", [])):
        imp = _impurity_values(name)
        if imp is None:
            continue
        if imp == primary:
            problems.append(
                f"extra_impurities[{i}] = {short(name)} is the impurity itself (impurity = "
                f"{short(config.get('impurity'))}); list only other impurities"
            )
        if imp in seen:
            problems.append(f"extra_impurities[{i}] = {short(name)} repeats extra_impurities[{seen[imp]}]")
        seen[imp] = i


def load_schema(path) -> dict:
    """Read the configuration schema (``workflow/schemas/config.schema.yaml``).

    Parameters
    ----------
    path : str or os.PathLike
        The YAML file of the JSON schema.

    Returns
    -------
    dict
        The schema.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 5x faster
    return yaml.load(Path(path).read_text(), Loader=loader)


def validate(config: dict, schema: dict) -> dict:
    """Check and normalise ``config`` in place against ``schema``; raise one ValueError listing every problem.

    Fills the schema's defaults (``null`` for a section means its defaults), validates against the
    JSON schema (draft 2020-12), then checks what the schema cannot: finite numbers, no control
    characters, at most :data:`MAX_NODES` entries, distinct r_s file labels, known kernels and
    kernel parameters, cross-references (``plot.fig1_rs``, ``plot.fig1_kernels``, distances,
    ``pulse.frequency`` for ``ac``), distinct impurities and the memory estimate
    (:func:`viscous_forces.resources.check_memory`).

    Parameters
    ----------
    config : dict
        The configuration as read from YAML; modified in place.
    schema : dict
        The schema (:func:`load_schema`).

    Returns
    -------
    dict
        ``config``, with defaults filled and ``pulse.durations`` keyed by r_s labels.

    Raises
    ------
    ValueError
        ``invalid configuration:`` followed by one line per problem, each naming the key, the value
        and what is allowed.
    """
    problems: list[str] = []
    _walk(config, [], problems, [MAX_NODES])
    if problems:  # non-finite numbers and control characters make the schema messages unreliable
        raise ValueError("invalid configuration:\n  " + "\n  ".join(problems))
    _fill_defaults(schema, config)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    problems = [_describe(e) for e in errors]
    _check_rs_labels(config, "rs", problems)
    _check_rs_labels(config, "analysis.sweep_rs", problems)
    name = (config.get("run") or {}).get("name")
    if name is not None:
        try:
            check_run_name(name)
        except ValueError as err:
            problems.append(str(err).split("\n  ", 1)[1])
    if not problems:
        _normalise_durations(config, problems)
        _check_cross(config, problems)
    if not problems:  # the memory estimate needs a valid configuration
        problems += check_memory(config)
    if not problems:  # the stability check evaluates the kernels: only for a configuration that fits
        _check_stability(config, problems)
    if problems:
        raise ValueError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


#: Preset names accepted for ``impurity`` and ``extra_impurities``.
IMPURITY_NAMES = tuple(sorted(IMPURITY_PRESETS))
