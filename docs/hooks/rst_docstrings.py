"""Griffe extension for the API pages: render the reStructuredText markup of the docstrings.

The package's numpy-style docstrings use a few reStructuredText constructs that Markdown does not
know. Before mkdocstrings parses a docstring, this extension rewrites them:

* ``:math:`x``` -> ``$x$`` and ``.. math::`` blocks -> ``$$ ... $$`` (MathJax through
  ``pymdownx.arithmatex``; a block with several lines or ``&`` alignment is wrapped in ``aligned``,
  blocks separated by a blank line become separate equations);
* ``:func:`name```, ``:class:``, ``:meth:``, ``:mod:``, ``:data:``, ``:attr:``, ``:exc:``,
  ``:obj:`` -> a code span linked to the object's entry in the API reference when it is rendered
  there (an "optional" autorefs cross-reference: no link, and no warning, otherwise); ``~`` shows
  only the last component and ``title <target>`` sets the text, as in Sphinx;
* simple reStructuredText tables (``=====  =====`` borders) -> bullet lists;
* ``docs/theory.md, "Section"`` -> a link to that section of the Theory page.

Only the text handed to the documentation is changed; the source files are untouched.  mkdocs.yml
loads this file through the ``extensions`` option of the mkdocstrings Python handler.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(r":(?P<role>func|class|meth|mod|data|attr|exc|obj):`(?P<tilde>~?)(?P<target>[^`]+)`")
_MATH_ROLE = re.compile(r":math:`(?P<body>[^`]+)`", re.DOTALL)
_MATH_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*$")
_TABLE_BORDER = re.compile(r"^(?P<indent>[ \t]*)=+(?:[ \t]+=+)+[ \t]*$")
_THEORY = re.compile(r'docs/theory\.md, "(?P<section>[^"\n]+)"')
_ENVIRONMENT = re.compile(r"\\begin\{(?P<env>[a-z*]+)\}.*?\\end\{(?P=env)\}", re.DOTALL)


def _display(equation: str) -> str:
    """One display equation; several lines or ``&`` outside an environment get ``aligned``."""
    outer = _ENVIRONMENT.sub("", equation)
    if ("\\\\" in outer or "&" in outer) and not equation.lstrip().startswith("\\begin"):
        equation = "\\begin{aligned}\n" + equation + "\n\\end{aligned}"
    return equation


def _math_blocks(lines: list[str]) -> list[str]:
    """Replace every ``.. math::`` directive by ``$$`` blocks at the directive's indentation."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _MATH_DIRECTIVE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m["indent"]
        i += 1
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        text = textwrap.dedent("\n".join(body)).strip("\n")
        equations = [eq.strip() for eq in re.split(r"\n[ \t]*\n", text) if eq.strip()]
        if out and out[-1].strip():
            out.append("")
        for eq in equations:
            out.append(f"{indent}$$")
            out += [f"{indent}{line}" for line in _display(eq).splitlines()]
            out.append(f"{indent}$$")
            out.append("")
        if i < len(lines) and not lines[i].strip():
            i += 1  # the blank line after the block is already there
    return out


def _tables(lines: list[str]) -> list[str]:
    """Replace simple reStructuredText tables (border, rows, border) by bullet lists."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _TABLE_BORDER.match(lines[i])
        end = next((j for j in range(i + 1, len(lines)) if _TABLE_BORDER.match(lines[j])), None) if m else None
        if not m or end is None:
            out.append(lines[i])
            i += 1
            continue
        indent = m["indent"]
        second = lines[i].index(" ", len(indent) + lines[i][len(indent) :].index("="))
        second += len(lines[i][second:]) - len(lines[i][second:].lstrip())
        items: list[list[str]] = []
        for row in lines[i + 1 : end]:
            if not row.strip():
                continue
            key, text = row[:second].strip(), row[second:].strip()
            if key or not items:
                items.append([key, text])
            else:
                items[-1][1] += " " + text
        out += [f"{indent}* `{key}`: {text}" if key else f"{indent}* {text}" for key, text in items]
        i = end + 1
    return out


def _target(obj: griffe.Object, target: str) -> str | None:
    """The full path of a role's target, resolved in the scope of the documented object."""
    target = target.strip().removesuffix("()")
    if target.startswith("."):  # relative to the enclosing package
        module = obj if obj.is_module else obj.module
        base = module.path if module.is_package else module.path.rpartition(".")[0]
        return f"{base}{target}" if target != "." else base
    if target.startswith("viscous_forces"):
        return target
    head, _, rest = target.partition(".")
    scope = obj if (obj.is_class or obj.is_module) else obj.parent
    while scope is not None:
        try:
            path = scope.resolve(head)
        except Exception:  # griffe raises NameResolutionError or KeyError
            scope = scope.parent
            continue
        return f"{path}.{rest}" if rest else path
    return None


def _roles(text: str, obj: griffe.Object) -> str:
    def link(m: re.Match) -> str:
        target = " ".join(m["target"].split())
        explicit = re.fullmatch(r"(?P<title>.+?)\s*<(?P<target>[^<>]+)>", target)  # `title <target>`
        if explicit:
            shown, target = explicit["title"], explicit["target"]
        else:
            shown = target.rpartition(".")[2] if m["tilde"] else target
        shown = shown.lstrip(".")
        path = _target(obj, target)
        code = f"<code>{shown}</code>"
        return f'<autoref identifier="{path}" optional>{code}</autoref>' if path else f"`{shown}`"

    text = _ROLE.sub(link, text)
    return _MATH_ROLE.sub(lambda m: "$" + " ".join(m["body"].split()) + "$", text)


def _slug(title: str) -> str:
    """The anchor Python-Markdown's toc extension gives a heading (its default slugify)."""
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", title).strip().lower())


def _theory_links(text: str) -> str:
    """``docs/theory.md, "Section"`` -> a link to that section of the Theory page (from api/*.md)."""
    return _THEORY.sub(lambda m: f'[docs/theory.md, "{m["section"]}"](../theory.md#{_slug(m["section"])})', text)


def convert(text: str, obj: griffe.Object) -> str:
    """The docstring ``text`` of ``obj`` with its reStructuredText markup in Markdown."""
    lines = _tables(_math_blocks(text.splitlines()))
    return _theory_links(_roles("\n".join(lines), obj))


class RstDocstrings(griffe.Extension):
    """Rewrite the reStructuredText markup of every docstring before it is parsed."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and not obj.is_alias:
            obj.docstring.value = convert(obj.docstring.value, obj)
