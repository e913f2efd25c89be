"""Write docs/configuration.md, the configuration reference, from the workflow's JSON schema.

    python scripts/config_reference.py            # (re)write docs/configuration.md
    python scripts/config_reference.py --check    # exit 1 if docs/configuration.md is out of date

Every top-level section of workflow/schemas/config.schema.yaml gets a heading, its description and
a table of its keys (type, default, allowed values, description); nested objects (e.g.
``kernel_params.rmcp07``) get their own tables, and so do the values of a mapping of objects
(``clusters.<name>``, any name) and the items of an array of objects (``clusters.<name>.nuclei[]``).
Words of the descriptions that hold a ``<placeholder>`` (file paths) become code spans.  The output
depends only on the schema (keys in the schema's order, no dates), so the page is identical for
identical schemas.  ``make docs`` runs this before ``mkdocs build``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
OUTPUT = ROOT / "docs" / "configuration.md"

HEADER = """\
# Configuration reference

<!-- Generated from workflow/schemas/config.schema.yaml by scripts/config_reference.py. Do not edit. -->

!!! note "Generated page"
    This page is generated from `workflow/schemas/config.schema.yaml` by `make docs`
    (`scripts/config_reference.py`); do not edit it: edit the schema instead.
"""

USAGE = """\
The workflow reads `config.yaml` (the paper's setup); `--configfile my.yaml` overrides any of its
keys, and a run named by `run.name` or by the file (`my.yaml` -> `results/my/`) keeps its outputs
apart (see [Installation and usage](install.md#named-runs)). The configuration is validated
against this schema before any job starts: a wrong type, a value out of range, an unknown key or an
unknown kernel stops the run with a message naming the key, the value and what is allowed. A key
left out takes the default below; `null` for a section means all its defaults.

Units: Hartree atomic units (lengths in bohr, energies in hartree, times in hbar/hartree); grid
extents are in units of the Fermi wave vector k_F or of the plasma frequency omega_p where the
description says so.
"""


def _number(x: float | int) -> str:
    """A number as YAML would show it: exact, exponents short (1e-06 -> 1e-6, 10000000.0 -> 1e7)."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if x != 0 and not (1e-3 <= abs(x) < 1e5):
        mantissa, exp = f"{x:.15e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exp)}"
    return repr(x)


def slug(text: str) -> str:
    """The anchor that mkdocs (Python-Markdown toc) gives a heading with this text."""
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def value_text(value: Any) -> str:
    """A default value in YAML flow style (``[2, 6, 10]``, ``{}``, ``null``, ``fit``)."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value) if (value == "" or re.search(r"[\s:#,\[\]{}\-]|^[0-9]", value)) else value
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def type_text(schema: dict) -> str:
    """The type of a schema node in words: ``number``, ``array of number``, ``number or null``, ..."""
    types = schema.get("type")
    if types is None:
        return "any"
    names = types if isinstance(types, list) else [types]
    out = []
    for name in names:
        if name == "array":
            items = schema.get("items", {})
            out.append(f"array of {type_text(items)}" if items else "array")
        elif name == "object" and isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
            out.append(f"mapping of {type_text(schema['additionalProperties'])}")
        else:
            out.append(name)
    return " or ".join(out)


def _bounds(schema: dict) -> list[str]:
    out = []
    for word, sym in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if word in schema:
            out.append(f"{sym} {_number(schema[word])}")
    return out


def allowed_text(schema: dict) -> str:
    """Bounds, enumerations, patterns and array constraints of a schema node, in words."""
    parts = _bounds(schema)
    names = schema.get("propertyNames")
    if isinstance(names, dict) and "pattern" in names:
        parts.append(f"names match `{names['pattern']}`")
    if "enum" in schema:
        parts.append("one of " + ", ".join(f"`{value_text(v)}`" for v in schema["enum"]))
    if "pattern" in schema:
        parts.append(f"matches `{schema['pattern']}`")
    lo, hi = schema.get("minItems"), schema.get("maxItems")
    if lo is not None and lo == hi:
        parts.append(f"exactly {lo} item{'s' if lo != 1 else ''}")
    else:
        if lo is not None:
            parts.append(f"at least {lo} item{'s' if lo != 1 else ''}")
        if hi is not None:
            parts.append(f"at most {hi} item{'s' if hi != 1 else ''}")
    if schema.get("uniqueItems"):
        parts.append("no repeats")
    items = schema.get("items")
    if isinstance(items, dict) and not _is_table_object(items):
        inner = allowed_text(items)
        if inner:
            parts.append(f"each item: {inner}")
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and not schema.get("properties") and not _is_table_object(extra):
        inner = allowed_text(extra)
        if inner:
            parts.append(f"each value: {inner}")
    return "; ".join(parts)


def _code_path(match: re.Match) -> str:
    """A word with a ``<placeholder>`` as a code span, trailing punctuation left outside."""
    word = match.group(0)
    core = word.rstrip(".,;:)")
    return f"`{core}`{word[len(core) :]}"


def _escape(text: str) -> str:
    """Markdown text with the words holding a ``<placeholder>`` (``results/<name>/``) as code spans.

    As plain text ``<name>`` would be an HTML tag and the underscores of ``rs<rs>_<name>.nc``
    emphasis.
    """
    parts = str(text).split("`")
    return "`".join(part if i % 2 else re.sub(r"[^\s(`]*<[^\s`]*", _code_path, part) for i, part in enumerate(parts))


def _cell(text: str) -> str:
    """Table-cell text: one line, pipes escaped outside code spans (inside them they do not split)."""
    parts = " ".join(str(text).split()).split("`")
    return "`".join(part if i % 2 else part.replace("|", "\\|") for i, part in enumerate(parts))


def _description(schema: dict) -> str:
    return _escape(" ".join(str(schema.get("description", "")).split()))


def _is_table_object(schema: dict) -> bool:
    """An object with named properties (gets its own table)."""
    types = schema.get("type")
    names = types if isinstance(types, list) else [types]
    return "object" in names and bool(schema.get("properties"))


def _mapping_value(schema: dict) -> dict | None:
    """The schema of the values of a mapping of objects (``additionalProperties`` with named properties)."""
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and not schema.get("properties") and _is_table_object(extra):
        return extra
    return None


def _array_item(schema: dict) -> dict | None:
    """The schema of the items of an array of objects with named properties."""
    items = schema.get("items")
    return items if isinstance(items, dict) and _is_table_object(items) else None


def _nested_name(schema: dict, name: str) -> str | None:
    """The section name of a key whose value has its own table, or None.

    ``name`` itself for an object with properties, ``name.<name>`` for the values of a mapping of
    objects, ``name[]`` for the items of an array of objects.
    """
    if _is_table_object(schema):
        return name
    if _mapping_value(schema) is not None:
        return f"{name}.<name>"
    if _array_item(schema) is not None:
        return f"{name}[]"
    return None


def key_table(properties: dict, prefix: str, required: list | tuple = ()) -> list[str]:
    """The table of the keys of one object; nested objects are listed and described below it."""
    lines = ["| key | type | default | allowed | description |", "|---|---|---|---|---|"]
    for key, sub in properties.items():
        name = f"{prefix}.{key}"
        default = value_text(sub["default"]) if "default" in sub else ""
        desc = _description(sub)
        nested = _nested_name(sub, name)
        if nested is not None:
            what = {name: "Keys", f"{name}.<name>": "Keys of each value", f"{name}[]": "Keys of each item"}[nested]
            desc = (desc.rstrip(".") + ". " if desc else "") + f"{what}: [below](#{slug(nested)})."
        allowed = "; ".join(x for x in ("required" if key in required else "", allowed_text(sub)) if x)
        row = [f"`{name}`", type_text(sub), f"`{default}`" if default else "", allowed, desc]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines


def object_section(schema: dict, name: str, level: int, intro: str = "") -> list[str]:
    """Heading, description and key table of an object, then its nested objects, recursively."""
    lines = [f"{'#' * level} `{name}`", ""]
    desc = _description(schema)
    if intro:
        lines += [intro, ""]
    if desc:
        lines += [desc, ""]
    props = schema.get("properties", {})
    if props:
        lines += key_table(props, name, schema.get("required", ())) + [""]
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and props:
        lines += [f"Other keys: {type_text(extra)} (any name).", ""]
    elif extra is False and props and name.endswith(("<name>", "[]")):
        lines += ["No other keys.", ""]
    for key, sub in props.items():
        lines += nested_sections(sub, f"{name}.{key}", level + 1)
    return lines


def nested_sections(schema: dict, name: str, level: int) -> list[str]:
    """The sections of a key whose value has its own table (see :func:`_nested_name`), else none."""
    if _is_table_object(schema):
        return object_section(schema, name, level)
    value = _mapping_value(schema)
    if value is not None:
        intro = f"Each value of `{name}` (the key, `<name>`, is chosen freely) is an object with these keys."
        return object_section(value, f"{name}.<name>", level, intro)
    item = _array_item(schema)
    if item is not None:
        return object_section(item, f"{name}[]", level, f"Each item of `{name}` is an object with these keys.")
    return []


def value_section(schema: dict, name: str, level: int) -> list[str]:
    """Heading, description and one-row table of a top-level key that is not an object."""
    lines = [f"{'#' * level} `{name}`", ""]
    desc = _description(schema)
    if desc:
        lines += [desc, ""]
    default = value_text(schema["default"]) if "default" in schema else ""
    lines += [
        "| key | type | default | allowed |",
        "|---|---|---|---|",
        "| "
        + " | ".join(
            _cell(c) for c in (f"`{name}`", type_text(schema), f"`{default}`" if default else "", allowed_text(schema))
        )
        + " |",
        "",
    ]
    return lines


def render(schema: dict) -> str:
    """The whole page for ``schema``."""
    lines = [HEADER, _description(schema), "", USAGE]
    props = schema.get("properties", {})
    lines += ["Sections: " + ", ".join(f"[`{k}`](#{slug(k)})" for k in props) + ".", ""]
    for key, sub in props.items():
        if _is_table_object(sub):
            lines += object_section(sub, key, 2)
            if "string" in (sub.get("type") or []) and ("pattern" in sub or "enum" in sub):
                names = allowed_text({"pattern": sub["pattern"]} if "pattern" in sub else {"enum": sub["enum"]})
                lines += [f"`{key}` may also be a string (a preset name): {names}.", ""]
        else:
            lines += value_section(sub, key, 2)
            lines += nested_sections(sub, key, 3)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=SCHEMA, help="the JSON schema (YAML)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the Markdown page to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is missing or out of date")
    args = parser.parse_args(argv)
    text = render(yaml.safe_load(args.schema.read_text()))
    if args.check:
        current = args.output.read_text() if args.output.exists() else None
        if current != text:
            print(f"{args.output} is out of date: run python scripts/config_reference.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
