"""Every public function and method of the package has a numpy-style docstring.

The API reference (``make docs``, mkdocstrings with ``docstring_style: numpy``) is built from these
docstrings.  For every module of ``viscous_forces`` and every public function, and every public
method of a public class, defined in that module (not imported into it), the test asserts:

* a docstring exists;
* it has a ``Parameters`` section if the signature takes parameters other than ``self``/``cls``
  (a signature with only ``*args``/``**kwargs`` is exempt);
* it has a ``Returns`` (or ``Yields``) section unless the return annotation is ``None`` or the
  function body has no ``return <value>`` (nor ``yield``) statement of its own.

Dunder methods and the methods a dataclass generates are skipped.  All failures are collected and
reported in one assertion message.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import viscous_forces

# Modules whose docstrings are being documented: the test skips them until this set is empty.
PENDING: set[str] = set()

_SECTION = re.compile(r"^\s*(?P<title>[A-Z][A-Za-z ]*)\s*\n\s*-{3,}\s*$", re.MULTILINE)
_DATACLASS_METHODS = {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"}


def _modules() -> list[str]:
    """Dotted names of every module of the package, the package itself first."""
    names = [viscous_forces.__name__]
    path = [str(Path(viscous_forces.__file__).parent)]
    for info in pkgutil.walk_packages(path, prefix=viscous_forces.__name__ + "."):
        names.append(info.name)
    return sorted(names)


def _sections(doc: str) -> set[str]:
    """Titles of the numpy-style sections (a title line underlined with dashes) of ``doc``."""
    return {m.group("title").strip() for m in _SECTION.finditer(inspect.cleandoc(doc))}


def _function_node(func) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The AST of ``func``'s definition, or None if its source is not available."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func.__name__:
            return node
    return None


def _returns_value(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True if the function body (not nested functions or classes) returns a value or yields."""

    def walk(body):
        for child in body:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            for sub in _own_nodes(child):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    if not (isinstance(sub.value, ast.Constant) and sub.value.value is None):
                        return True
                if isinstance(sub, (ast.Yield, ast.YieldFrom)):
                    return True
        return False

    return walk(node.body)


def _own_nodes(node: ast.AST):
    """``node`` and its descendants, not descending into nested functions, lambdas or classes."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield from _own_nodes(child)


def _has_parameters(func) -> bool:
    """True if ``func`` takes parameters other than self/cls and a bare ``*args``/``**kwargs``."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return False
    params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    if params and all(p.kind in variadic for p in params):
        return False
    return bool(params)


def _returns_none_annotation(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True if the return annotation is ``None`` (or the string "None")."""
    ann = node.returns
    if ann is None:
        return False
    return (isinstance(ann, ast.Constant) and ann.value in (None, "None")) or (
        isinstance(ann, ast.Name) and ann.id == "None"
    )


def _check(qualname: str, func) -> list[str]:
    """The docstring problems of one function or method."""
    doc = inspect.getdoc(func) if func.__doc__ else None
    if not doc:
        return [f"{qualname}: no docstring"]
    problems = []
    sections = _sections(func.__doc__)
    if _has_parameters(func) and "Parameters" not in sections:
        problems.append(f"{qualname}: no 'Parameters' section")
    node = _function_node(func)
    needs_returns = node is not None and not _returns_none_annotation(node) and _returns_value(node)
    if needs_returns and not ({"Returns", "Yields"} & sections):
        problems.append(f"{qualname}: no 'Returns' section")
    return problems


def _defined_here(obj, module) -> bool:
    """True if ``obj`` was defined in ``module`` (not imported into it)."""
    return getattr(obj, "__module__", None) == module.__name__


def _class_methods(cls) -> list[tuple[str, object]]:
    """Public methods (functions, class/static methods, property getters) defined in ``cls``'s body."""
    generated = _DATACLASS_METHODS if dataclasses.is_dataclass(cls) else set()
    out = []
    for name, attr in vars(cls).items():
        if name.startswith("_") or name in generated:
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            attr = attr.__func__
        elif isinstance(attr, property):
            attr = attr.fget
        if inspect.isfunction(attr) and attr.__qualname__.startswith(cls.__qualname__ + "."):
            out.append((name, attr))
    return out


def _problems(module_name: str) -> list[str]:
    """The docstring problems of every public function and method defined in one module."""
    module = importlib.import_module(module_name)
    problems = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not _defined_here(obj, module):
            continue
        if inspect.isfunction(obj):
            problems += _check(f"{module_name}.{name}", obj)
        elif inspect.isclass(obj):
            for meth_name, meth in _class_methods(obj):
                problems += _check(f"{module_name}.{name}.{meth_name}", meth)
    return problems


def test_the_walk_finds_the_package():
    modules = _modules()
    assert "viscous_forces.core.lindhard" in modules
    assert "viscous_forces.core.kernels.rmcp07" in modules
    assert PENDING <= set(modules), f"PENDING names modules that do not exist: {sorted(PENDING - set(modules))}"


def test_every_public_function_has_a_numpy_docstring():
    problems = []
    for module_name in _modules():
        if module_name in PENDING:
            continue
        problems += _problems(module_name)
    assert not problems, f"{len(problems)} docstring problem(s):\n" + "\n".join(problems)
