r"""Exchange-correlation kernels :math:`f_{xc}(q, \omega)` of the electron gas, found by name.

Every kernel is a vectorised function ``fxc(q, omega, rs, **params) -> complex128 array``
(q in bohr^-1 > 0, omega real in Ha of either sign, rs in bohr; f in Ha bohr^3, retarded,
:math:`f(q,-\omega) = f(q,\omega)^*`), wrapped in a :class:`Kernel` that carries its published
defaults, parameter checks and a label.

Kernels are discovered, not registered: the kernel ``name`` is the module
``viscous_forces.core.kernels.<name>`` that defines a module-level ``KERNEL = Kernel(...)``, or an
entry point of the group ``viscous_forces.kernels`` (``name = "package.module:KERNEL"``) of an
installed package.  The name is written only there, in the file name or the entry point: a
:class:`Kernel` takes no name, :func:`get_kernel` gives it the name it was found by.  Adding a kernel
is adding one module; no shared file changes, so the workflow reruns only the new kernel's chain
(README, "Adding a kernel").

Built-in kernels (docs/theory.md, "Exchange-correlation kernels"):

========  ==================================================================================
rpa       f = 0
alda      f = f0 = d^2(n eps_xc)/dn^2 (PW92; Perdew & Wang, PRB 45, 13244 (1992))
mcp07     static MCP07 (Ruzsinszky et al., PRB 101, 245135 (2020)); PW92 default = rMCP07(q, 0)
rmcp07    dynamic rMCP07 (Kaplan et al., PRB 105, 035123 (2022)), GKI frequency dependence
          (Gross & Kohn, PRL 55, 2850 (1985); Iwamoto & Gross, PRB 35, 3003 (1987))
========  ==================================================================================

``pw92`` and ``gki`` hold ingredients (LDA correlation, the Gross-Kohn-Iwamoto frequency
dependence) and define no kernel.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any

import numpy as np

from ..electron_gas import ElectronGas, check_rs

__all__ = [
    "ENTRY_POINT_GROUP",
    "Kernel",
    "available_kernels",
    "check_positive",
    "check_real_frequency",
    "get_kernel",
    "im_slope",
    "kernel_module_file",
]

#: Entry-point group through which installed packages provide kernels.
ENTRY_POINT_GROUP = "viscous_forces.kernels"
#: Allowed kernel names (they are module names and file-name parts of the workflow's outputs).
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
#: Finite-difference step for :func:`im_slope` of dynamic kernels without an analytic slope, in
#: units of the plasma frequency (error analysis in :func:`im_slope`).
IM_SLOPE_DELTA = 1.0e-6


def check_positive(name: str, value, lo: float = 0.0, hi: float = np.inf) -> float:
    """Return ``float(value)`` if it is finite, > 0 and in [lo, hi], else raise ``ValueError`` naming it.

    Used in :attr:`Kernel.checks` of kernels with numeric parameters.

    Parameters
    ----------
    name : str
        Parameter name, for the error message.
    value : float
        The value to check.
    lo, hi : float
        Inclusive bounds.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    ValueError
        If ``value`` is not a finite number > 0 in [lo, hi].
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"parameter {name} must be a positive number, got {value!r}") from None
    if not (np.isfinite(v) and v > 0.0 and lo <= v <= hi):
        bounds = f" in [{lo:g}, {hi:g}]" if (lo > 0 or np.isfinite(hi)) else ""
        raise ValueError(f"parameter {name} must be finite and > 0{bounds}, got {value!r}")
    return v


def check_real_frequency(omega) -> np.ndarray:
    """omega as a float array; ValueError unless real and finite (Ha).

    The package evaluates retarded responses on the real frequency axis only.

    Parameters
    ----------
    omega : array_like
        Frequencies (Ha).

    Returns
    -------
    numpy.ndarray of float64
        ``omega`` as a float array (Ha).

    Raises
    ------
    ValueError
        If ``omega`` is complex, not numeric or not finite.
    """
    if np.iscomplexobj(omega):
        raise ValueError(
            "omega must be real (Ha): the package evaluates retarded responses on the real frequency "
            f"axis only, got a complex value ({np.asarray(omega).ravel()[:1]!r}...)"
        )
    try:
        wa = np.asarray(omega, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"omega must be a real array of frequencies (Ha), got {omega!r}") from None
    if not np.all(np.isfinite(wa)):
        raise ValueError("omega must be finite (Ha); use a large finite value for the limit")
    return wa


def _check_q(q) -> np.ndarray:
    """q as a float array; ValueError unless real, finite and > 0 (bohr^-1)."""
    if np.iscomplexobj(q):
        raise ValueError("q must be real (bohr^-1), got a complex array")
    try:
        qa = np.asarray(q, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"q must be a real array of wave vectors (bohr^-1), got {q!r}") from None
    if not np.all(np.isfinite(qa) & (qa > 0.0)):
        bad = qa[~(np.isfinite(qa) & (qa > 0.0))]
        raise ValueError(f"q must be finite and > 0 (bohr^-1); got {bad.ravel()[:5]!r}")
    return qa


@dataclass(frozen=True)
class Kernel:
    """An exchange-correlation kernel.

    A kernel does not name itself: :func:`get_kernel` names it after the module (built-in kernels) or
    the entry point (installed kernels) it is found by, so the name is written once.

    Attributes
    ----------
    name : str
        Kernel name, e.g. ``"rmcp07"``: the module name of a built-in kernel, the entry-point name of an
        installed one; set by :func:`get_kernel` (not a constructor argument), ``""`` for a kernel not
        found by name.
    function : callable
        ``fxc(q, omega, rs, **params) -> numpy.ndarray`` (complex128, Ha bohr^3).
    defaults : Mapping[str, Any]
        Published default parameters (read-only).
    dynamic : bool
        True if f depends on omega.
    description : str
        One line, for logs.
    label : str
        Label for plots.
    checks : Mapping[str, callable]
        Per parameter, a function returning the normalised value or raising ValueError.
    slope : callable or None
        Analytic ``d Im f/d omega`` at omega = 0, ``slope(q, rs, **params)`` (bohr^3); None for
        static kernels (slope 0) or to use the finite difference of :func:`im_slope`.
    """

    name: str = field(default="", init=False, compare=False)
    function: Callable
    defaults: Mapping[str, Any] = field(hash=False)
    dynamic: bool
    description: str
    label: str
    checks: Mapping[str, Callable] = field(default_factory=dict, hash=False)
    slope: Callable | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))
        object.__setattr__(self, "checks", MappingProxyType(dict(self.checks)))

    def params(self, **overrides) -> dict:
        """Published defaults merged with ``overrides``, validated.

        Parameters
        ----------
        **overrides
            Parameter values replacing the defaults (config ``kernel_params.<name>``).

        Returns
        -------
        dict
            Every parameter of the kernel, normalised by its check.

        Raises
        ------
        ValueError
            For a key not in :attr:`defaults` (the message names the kernel, the key and the
            allowed keys) or a bad value (e.g. ``h`` not in {"fit", "exact"}).
        """
        unknown = sorted(set(overrides) - set(self.defaults))
        if unknown:
            allowed = ", ".join(sorted(self.defaults)) or "(none)"
            raise ValueError(
                f"kernel {self.name!r}: unknown parameter(s) {', '.join(map(repr, unknown))}; allowed: {allowed}"
            )
        merged = {**self.defaults, **overrides}
        for key, value in merged.items():
            check = self.checks.get(key)
            if check is not None:
                try:
                    merged[key] = check(value)
                except ValueError as exc:
                    raise ValueError(f"kernel {self.name!r}: {exc}") from None
        return merged

    def __call__(self, q, omega, rs, **params) -> np.ndarray:
        r"""f_xc(q, omega) in Ha bohr^3 after validating rs, q, omega and the parameters.

        Parameters
        ----------
        q : array_like
            Wave vector (bohr^-1), finite and > 0.
        omega : array_like
            Real, finite frequency (Ha), broadcast against ``q``.
        rs : float
            Density parameter (bohr).
        **params
            Overrides of :attr:`defaults`.

        Returns
        -------
        numpy.ndarray of complex128
            :math:`f_{xc}(q, \omega)` (Ha bohr^3), shape ``np.broadcast_shapes(q.shape, omega.shape)``.
        """
        rs = check_rs(rs)
        qa = _check_q(q)
        wa = check_real_frequency(omega)
        try:
            np.broadcast_shapes(qa.shape, wa.shape)
        except ValueError:
            raise ValueError(f"q shape {qa.shape} and omega shape {wa.shape} do not broadcast") from None
        return self.function(qa, wa, rs, **self.params(**params))


_FOUND: dict[str, Kernel] = {}


def _check_name(name) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"kernel name must match {NAME_PATTERN.pattern}, got {name!r}")
    return name


def _builtin_module_name(name: str) -> str:
    return f"{__name__}.{name}"


def _entry_point(name: str):
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    return found[0] if found else None


def _as_kernel(obj, name: str, where: str) -> Kernel:
    """``obj`` named ``name`` (the module or entry point it was found by), or ValueError if it is no Kernel.

    The first name found names the object itself; the same object found under another name (an entry
    point that points at another kernel's ``KERNEL``) is a copy with that name.
    """
    if not isinstance(obj, Kernel):
        raise ValueError(f"{where} must define KERNEL = Kernel(...) for kernel {name!r}")
    if obj.name not in ("", name):
        obj = copy.copy(obj)
    object.__setattr__(obj, "name", name)
    return obj


def get_kernel(name: str) -> Kernel:
    """The kernel called ``name``: the module ``viscous_forces.core.kernels.<name>`` or an entry point.

    Only that kernel's module (and what it imports) is loaded; kernels found are cached.

    Parameters
    ----------
    name : str or Kernel
        Kernel name (a :class:`Kernel` is returned as it is).

    Returns
    -------
    Kernel
        The module's (or entry point's) ``KERNEL``, named ``name``.

    Raises
    ------
    ValueError
        ``unknown kernel 'x'; available: alda, mcp07, rmcp07, rpa``.
    """
    if isinstance(name, Kernel):
        return name
    if name in _FOUND:
        return _FOUND[name]
    _check_name(name)
    if importlib.util.find_spec(_builtin_module_name(name)) is not None:
        module = importlib.import_module(_builtin_module_name(name))
        kernel = _as_kernel(getattr(module, "KERNEL", None), name, f"module {module.__name__}")
    else:
        ep = _entry_point(name)
        if ep is None:
            raise ValueError(f"unknown kernel {name!r}; available: {', '.join(available_kernels())}")
        kernel = _as_kernel(ep.load(), name, f"entry point {ep.value}")
    _FOUND[name] = kernel
    return kernel


def available_kernels() -> list[str]:
    """Names of every kernel: built-in modules defining ``KERNEL``, then installed entry points.

    Returns
    -------
    list of str
        Sorted kernel names, e.g. ``["alda", "mcp07", "rmcp07", "rpa"]``.
    """
    names = []
    for info in pkgutil.iter_modules(__path__):
        if NAME_PATTERN.fullmatch(info.name):
            module = importlib.import_module(_builtin_module_name(info.name))
            if isinstance(getattr(module, "KERNEL", None), Kernel):
                names.append(info.name)
    names += [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in names]
    return sorted(names)


def kernel_module_file(name: str) -> str | None:
    """Source file of the module that defines kernel ``name`` (found without importing it).

    The workflow uses it as a code input of the kernel's chain.

    Parameters
    ----------
    name : str
        Kernel name.

    Returns
    -------
    str or None
        Path of the module file, or None if the module has no file.

    Raises
    ------
    ValueError
        If no built-in module or entry point provides the kernel.
    """
    _check_name(name)
    spec = importlib.util.find_spec(_builtin_module_name(name))
    if spec is None:
        ep = _entry_point(name)
        if ep is None:
            raise ValueError(f"unknown kernel {name!r}; available: {', '.join(available_kernels())}")
        spec = importlib.util.find_spec(ep.module)
    return spec.origin if spec is not None else None


def im_slope(kernel, q, rs, **params) -> np.ndarray:
    r"""Low-frequency slope :math:`\partial\,\mathrm{Im} f_{xc}/\partial\omega` at omega = 0 (bohr^3).

    0 for static kernels; the kernel's analytic ``slope`` if it has one (rMCP07:
    :math:`-R D p\,\gamma (f_\infty - f_0) b^{1/2}`); otherwise the one-sided quotient
    :math:`\mathrm{Im} f(q,\delta)/\delta` with :math:`\delta = 10^{-6}\omega_p(r_s)`.  Im f is odd
    in omega, so the truncation error is relative :math:`O((\delta/\omega_c)^2)`, about 1e-12 for a
    kernel varying on a scale :math:`\omega_c \sim \omega_p`.  The slope enters the viscous term of
    the friction density (docs/theory.md, "Friction"; the rMCP07 slope in docs/theory.md, "rMCP07").

    Parameters
    ----------
    kernel : Kernel or str
        The kernel or its name.
    q : array_like
        Wave vector (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    **params
        Kernel parameter overrides.

    Returns
    -------
    numpy.ndarray of float64
        The slope (bohr^3), same shape as ``q``; <= 0 for retarded kernels.
    """
    kern = get_kernel(kernel)
    rs = check_rs(rs)
    qa = _check_q(q)
    p = kern.params(**params)
    if not kern.dynamic:
        return np.zeros(qa.shape)
    if kern.slope is not None:
        return np.asarray(kern.slope(qa, rs, **p), dtype=float)
    delta = IM_SLOPE_DELTA * ElectronGas(rs).omega_p
    return np.asarray(kern.function(qa, np.full(qa.shape, delta), rs, **p)).imag / delta
