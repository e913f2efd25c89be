"""Which of the package's own modules a Python file imports, directly or transitively.

The workflow uses this to make each rule's code inputs exactly the package modules its script
loads: editing a module reruns the rules that import it, and nothing else.  The analysis is
static (``ast``): every ``import`` statement counts, also inside functions (not those under
``if TYPE_CHECKING:``, which never run), and importing
``a.b.c`` loads the packages ``a`` and ``a.b`` first, so their ``__init__.py`` files count too.
Kernel modules are found by name at run time (:func:`viscous_forces.core.kernels.get_kernel`), so
no script imports them statically; the workflow adds the closure of the one kernel a job uses.

Snakemake examines every input file of every job whenever it plans, so instead of the 20-40
modules themselves a rule has one *code stamp* as its code input (:func:`fingerprint`,
:func:`write_stamp`): a small file listing the content digest of each module, rewritten only when
one of them changes.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from pathlib import Path

PACKAGE = "viscous_forces"


def _module_file(root: Path, dotted: str) -> Path | None:
    """File of module ``dotted`` (a package's __init__.py for a package) under ``root``, or None."""
    base = root.joinpath(*dotted.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _with_parents(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _is_type_checking(test: ast.expr) -> bool:
    """True for the condition ``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"


#: The fields of a statement that hold statements (bodies of functions, classes, branches, loops,
#: ``with``, ``try`` and its handlers, ``match`` cases): where an import statement can be.
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _import_statements(body: list) -> list:
    """The ``import`` and ``from ... import`` statements in a list of statements, at any depth.

    Only statements are visited (an import is a statement, never part of an expression), which is
    some 20 times faster than visiting every node of the tree.  The body of ``if TYPE_CHECKING:``
    is left out (its ``else`` is not): it never runs.
    """
    found = []
    todo = list(reversed(body))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
            continue
        for name in _BODIES:
            if name == "body" and isinstance(node, ast.If) and _is_type_checking(node.test):
                continue
            todo.extend(reversed(getattr(node, name, None) or []))
    return found


def _imported_names(tree: ast.Module, current: str | None, is_package: bool) -> set[str]:
    """Dotted names a module imports (absolute), including ``from x import y`` submodule candidates.

    Imports under ``if TYPE_CHECKING:`` are left out: they are for annotations and never run.
    """
    names = set()
    for node in _import_statements(tree.body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        else:
            if node.level:
                if current is None:
                    continue
                pkg = current if is_package else current.rpartition(".")[0]
                for _ in range(node.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{node.module}" if node.module else pkg
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # may be submodules
    return names


#: Package-relevant imports of a source file, keyed by its content digest, module name and kind
#: (ast parsing is the slow part of following the imports; :func:`load_import_cache` persists it).
_IMPORTS: dict[str, list[str]] = {}
_IMPORTS_ADDED = [False]


def _imports(path: Path, current: str | None, is_package: bool) -> list[str]:
    data = path.read_bytes()
    key = f"{hashlib.sha256(data).hexdigest()} {current} {int(is_package)}"
    if key not in _IMPORTS:
        tree = ast.parse(data, filename=str(path))
        names = _imported_names(tree, current, is_package)
        _IMPORTS[key] = sorted(n for n in names if n == PACKAGE or n.startswith(PACKAGE + "."))
        _IMPORTS_ADDED[0] = True
    return _IMPORTS[key]


#: :func:`_direct` of each file as last read, keyed by (root, path, mtime, size).
_DIRECT: dict[tuple, frozenset[Path]] = {}


def _direct(root: Path, path: Path) -> frozenset[Path]:
    """Package files that ``path`` imports directly (with the parent packages they load)."""
    st = path.stat()
    key = (root, path, st.st_mtime_ns, st.st_size)
    if key not in _DIRECT:
        _DIRECT[key] = _direct_uncached(root, path)
    return _DIRECT[key]


def _direct_uncached(root: Path, path: Path) -> frozenset[Path]:
    try:
        current = _module_name(root, path)
    except ValueError:  # a file outside the package (a workflow script)
        current = None
    out = set()
    for name in _imports(path, current, path.name == "__init__.py"):
        for dotted in _with_parents(name):
            f = _module_file(root, dotted)
            if f is not None:
                out.add(f)
    return frozenset(out)


def load_import_cache(path) -> None:
    """Read the imports found in earlier runs from ``path`` (a JSON file; missing or bad: ignored).

    The entries are keyed by the content digest of each file, so an edited file is parsed again.

    Parameters
    ----------
    path : path-like
        The cache file (:func:`save_import_cache`).
    """
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        _IMPORTS.update({k: v for k, v in data.items() if isinstance(v, list)})


def save_import_cache(path) -> None:
    """Write the imports found so far to ``path`` if any were added since :func:`load_import_cache`.

    Parameters
    ----------
    path : path-like
        The cache file; written atomically, its directory created.
    """
    if not _IMPORTS_ADDED[0]:
        return
    write_stamp(path, json.dumps(_IMPORTS, sort_keys=True, indent=0) + "\n")
    _IMPORTS_ADDED[0] = False


def package_closure(path, src_root) -> list[Path]:
    """Sorted package files that the Python file ``path`` loads when it is run or imported.

    Parameters
    ----------
    path : path-like
        A workflow script or a package module.
    src_root : path-like
        The directory holding the package (``<repo>/src``).

    Returns
    -------
    list of pathlib.Path
        Resolved paths of every package file loaded (``__init__.py`` of the parent packages
        included), sorted.
    """
    root = Path(src_root).resolve()
    start = Path(path).resolve()
    seen: set[Path] = set()
    todo = [start]
    if start.is_relative_to(root):
        # a package module: loading it loads itself and its parent packages
        seen.update(f for d in _with_parents(_module_name(root, start)) if (f := _module_file(root, d)))
        todo = sorted(seen)
    while todo:
        f = todo.pop()
        for dep in _direct(root, f):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return sorted(seen)


def fingerprint(files, root) -> str:
    """The code fingerprint of ``files``: one line ``<sha256>  <path relative to root>`` per file, sorted.

    Parameters
    ----------
    files : iterable of path-like
        Source files (a rule's script and the package modules it loads).
    root : path-like
        The directory the paths are written relative to (the workflow's directory).

    Returns
    -------
    str
        The text of the fingerprint (it changes exactly when the content of a file changes, or
        a file joins or leaves the set).
    """
    root = Path(root).resolve()
    lines = []
    for f in sorted({Path(f).resolve() for f in files}):
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        lines.append(f"{digest}  {f.relative_to(root) if f.is_relative_to(root) else f}")
    return "\n".join(lines) + "\n"


def write_stamp(path, text: str) -> Path:
    """Write ``text`` to ``path`` unless the file already holds exactly it (atomically).

    A code stamp is a rule's single code input: its modification time changes only when the code
    it fingerprints changes, so Snakemake reruns exactly the rules whose code changed.

    Parameters
    ----------
    path : path-like
        The stamp file; its directory is created.
    text : str
        Its content (:func:`fingerprint`).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    try:
        if path.read_text() == text:
            return path
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.write_text(text)
    os.replace(tmp, path)
    return path
