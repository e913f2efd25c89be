r"""Registry of exchange-correlation kernels :math:`f_{xc}(q, \omega)` of the electron gas.

Every kernel is a vectorised function ``fxc(q, omega, rs, **params) -> complex128 array``
(q in bohr^-1 > 0, omega real in Ha of either sign, rs in bohr; f in Ha bohr^3, retarded,
:math:`f(q,-\omega) = f(q,\omega)^*`), wrapped in a :class:`Kernel` that carries its published
defaults, a label and the source files its values depend on.

Registered kernels (see ``/work/shared/physics/kernels.md``):

========  ==================================================================================
rpa       f = 0
alda      f = f0 = d^2(n eps_xc)/dn^2 (PW92; Perdew & Wang, PRB 45, 13244 (1992))
mcp07     static MCP07 (Ruzsinszky et al., PRB 101, 245135 (2020)); PW92 default = rMCP07(q, 0)
rmcp07    dynamic rMCP07 (Kaplan et al., PRB 105, 035123 (2022)), GKI frequency dependence
          (Gross & Kohn, PRL 55, 2850 (1985); Iwamoto & Gross, PRB 35, 3003 (1987))
========  ==================================================================================

Adding a kernel: write ``fxc(q, omega, rs, **params)`` in a module and add one
``register_kernel(Kernel(...))`` entry (parameter names are validated with the checks in
``_PARAM_CHECKS`` when one exists for that name).
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from ..electron_gas import ElectronGas, check_rs
from . import alda, gki, mcp07, pw92, rmcp07, rpa

__all__ = ["Kernel", "KERNELS", "get_kernel", "register_kernel", "im_slope", "IM_SLOPE_DELTA"]

#: Directory of the ``viscous_forces`` package; ``Kernel.sources`` are relative to it.
PACKAGE_DIR = pathlib.Path(__file__).resolve().parent.parent

#: Value checks by parameter name, applied by :meth:`Kernel.params` (each returns the
#: normalised value or raises ValueError).
_PARAM_CHECKS: dict[str, Callable[[Any], Any]] = {
    "correlation": pw92.check_correlation,
    "h": gki.check_h,
    "a": partial(rmcp07.check_positive, "a"),
    "b": partial(rmcp07.check_positive, "b"),
    "c_prime": partial(rmcp07.check_positive, "c_prime"),
    "d": partial(rmcp07.check_positive, "d"),
}


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


def _check_omega(omega) -> np.ndarray:
    """omega as a float array; ValueError unless real and finite (Ha)."""
    if np.iscomplexobj(omega):
        raise ValueError(
            "omega must be real (Ha); complex/imaginary frequencies are not implemented"
        )
    try:
        wa = np.asarray(omega, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"omega must be a real array of frequencies (Ha), got {omega!r}") from None
    if not np.all(np.isfinite(wa)):
        raise ValueError("omega must be finite (Ha); use a large finite value for the limit")
    return wa


@dataclass(frozen=True)
class Kernel:
    """A registered exchange-correlation kernel.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"rmcp07"``.
    function : callable
        ``fxc(q, omega, rs, **params) -> numpy.ndarray`` (complex128, Ha bohr^3).
    defaults : Mapping[str, Any]
        Published default parameters (read-only).
    dynamic : bool
        True if f depends on omega.
    description : str
        One line, for logs and plots.
    sources : tuple of str
        Module files, relative to the ``viscous_forces`` package directory, that this
        kernel's values depend on (not ``kernels/__init__.py``).
    label : str
        Pretty label for plots.
    """

    name: str
    function: Callable
    defaults: Mapping[str, Any] = field(hash=False)
    dynamic: bool
    description: str
    sources: tuple[str, ...]
    label: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))
        object.__setattr__(self, "sources", tuple(self.sources))

    def params(self, **overrides) -> dict:
        """Published defaults merged with ``overrides``, validated.

        Parameters
        ----------
        **overrides
            Parameter values replacing the defaults.

        Returns
        -------
        dict
            Complete, validated parameter set.

        Raises
        ------
        ValueError
            For a key not in :attr:`defaults` (the message names the kernel, the key and the
            allowed keys) or for a bad value (e.g. ``h`` not in {"fit", "exact"}).
        """
        unknown = sorted(set(overrides) - set(self.defaults))
        if unknown:
            allowed = ", ".join(sorted(self.defaults)) or "(none)"
            raise ValueError(
                f"kernel {self.name!r}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {allowed}"
            )
        merged = {**self.defaults, **overrides}
        for key, value in merged.items():
            check = _PARAM_CHECKS.get(key)
            if check is not None:
                try:
                    merged[key] = check(value)
                except ValueError as exc:
                    raise ValueError(f"kernel {self.name!r}: {exc}") from None
        return merged

    def __call__(self, q, omega, rs, **params) -> np.ndarray:
        """Evaluate the kernel after validating rs, q, omega and the parameters.

        Parameters
        ----------
        q : array_like
            Wave vector (bohr^-1), finite and > 0.
        omega : array_like
            Real, finite frequency (Ha), broadcast against ``q``.
        rs : float
            Density parameter (bohr), 0 < rs <= RS_MAX.
        **params
            Overrides of :attr:`defaults`.

        Returns
        -------
        numpy.ndarray of complex128
            f_xc (Ha bohr^3) of shape ``np.broadcast_shapes(q.shape, omega.shape)``.
        """
        rs = check_rs(rs)
        qa = _check_q(q)
        wa = _check_omega(omega)
        try:
            np.broadcast_shapes(qa.shape, wa.shape)
        except ValueError:
            raise ValueError(
                f"q shape {qa.shape} and omega shape {wa.shape} do not broadcast"
            ) from None
        return self.function(qa, wa, rs, **self.params(**params))

    def source_files(self) -> list[pathlib.Path]:
        """Absolute paths of :attr:`sources`.

        Returns
        -------
        list of pathlib.Path
        """
        return [PACKAGE_DIR / s for s in self.sources]


#: The registry, name -> Kernel.
KERNELS: dict[str, Kernel] = {}


def register_kernel(kernel: Kernel, *, replace: bool = False) -> None:
    """Add ``kernel`` to :data:`KERNELS` under ``kernel.name``.

    Parameters
    ----------
    kernel : Kernel
    replace : bool
        Allow replacing an existing, different kernel of the same name.

    Raises
    ------
    ValueError
        If ``kernel`` is not a :class:`Kernel`, its name is not a non-empty lower-case string
        without spaces, or the name is taken (and ``replace`` is False).
    """
    if not isinstance(kernel, Kernel):
        raise ValueError(f"register_kernel expects a Kernel, got {type(kernel).__name__}")
    name = kernel.name
    if (
        not isinstance(name, str)
        or not name
        or name != name.lower()
        or any(c.isspace() for c in name)
    ):
        raise ValueError(
            f"kernel name must be a non-empty lower-case string without spaces, got {name!r}"
        )
    if name in KERNELS and KERNELS[name] is not kernel and not replace:
        raise ValueError(f"kernel {name!r} is already registered (pass replace=True to replace it)")
    KERNELS[name] = kernel


def get_kernel(name: str) -> Kernel:
    """Look up a registered kernel by name (case-insensitive).

    Parameters
    ----------
    name : str
        e.g. ``"rmcp07"``.

    Returns
    -------
    Kernel

    Raises
    ------
    ValueError
        ``unknown kernel 'x'; allowed: alda, mcp07, rmcp07, rpa``.
    """
    key = name.lower() if isinstance(name, str) else name
    try:
        return KERNELS[key]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown kernel {name!r}; allowed: {', '.join(sorted(KERNELS))}"
        ) from None


register_kernel(
    Kernel(
        name="rpa",
        function=rpa.fxc,
        defaults=rpa.DEFAULTS,
        dynamic=False,
        description="RPA: f_xc = 0",
        sources=("kernels/rpa.py",),
        label="RPA",
    )
)
register_kernel(
    Kernel(
        name="alda",
        function=alda.fxc,
        defaults=alda.DEFAULTS,
        dynamic=False,
        description="ALDA: f_xc = d^2(n eps_xc)/dn^2, q- and omega-independent (PW92 correlation)",
        sources=("kernels/alda.py", "kernels/pw92.py", "electron_gas.py"),
        label="ALDA",
    )
)
register_kernel(
    Kernel(
        name="mcp07",
        function=mcp07.fxc,
        defaults=mcp07.DEFAULTS,
        dynamic=False,
        description="static MCP07 kernel (Ruzsinszky et al. PRB 101, 245135), PW92 = rMCP07(q, 0)",
        sources=("kernels/mcp07.py", "kernels/pw92.py", "electron_gas.py"),
        label="MCP07 (static)",
    )
)
register_kernel(
    Kernel(
        name="rmcp07",
        function=rmcp07.fxc,
        defaults=rmcp07.DEFAULTS,
        dynamic=True,
        description=(
            "dynamic rMCP07 kernel (Kaplan et al. PRB 105, 035123): "
            "MCP07 x GKI frequency dependence"
        ),
        sources=(
            "kernels/rmcp07.py",
            "kernels/mcp07.py",
            "kernels/gki.py",
            "kernels/pw92.py",
            "electron_gas.py",
        ),
        label="rMCP07",
    )
)

#: Analytic d Im f / d omega at omega = 0, keyed by kernel function.
_ANALYTIC_IM_SLOPES: dict[Callable, Callable] = {rmcp07.fxc: rmcp07.im_slope}

#: Finite-difference step for :func:`im_slope`, in units of the plasma frequency omega_p(rs).
IM_SLOPE_DELTA = 1.0e-6


def im_slope(kernel, q, rs, **params) -> np.ndarray:
    r"""Low-frequency slope :math:`\partial\,\mathrm{Im} f_{xc}/\partial\omega` at omega = 0.

    Analytic for rMCP07 (:func:`.rmcp07.im_slope`:
    :math:`-R D p\,\gamma (f_\infty - f_0) b^{1/2}`) and 0 for static kernels.  For any other
    dynamic kernel it is the one-sided quotient :math:`\mathrm{Im} f(q,\delta)/\delta` with
    :math:`\delta = 10^{-6}\omega_p(r_s)`; since Im f is odd in omega the truncation error is
    relative :math:`O((\delta/\omega_c)^2)`, about 1e-12 for a kernel varying on the scale
    :math:`\omega_c \sim \omega_p` (GKI: :math:`\omega_c = b^{-1/2} \approx 2\omega_p`), plus
    rounding ~1e-16 relative if Im f is computed without cancellation.

    Parameters
    ----------
    kernel : Kernel or str
        Kernel object or registered name.
    q : array_like
        Wave vector (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    **params
        Kernel parameter overrides.

    Returns
    -------
    numpy.ndarray of float64
        Slope in bohr^3 (Ha bohr^3 per Ha), same shape as ``q``; <= 0 for retarded kernels.
    """
    kern = kernel if isinstance(kernel, Kernel) else get_kernel(kernel)
    rs = check_rs(rs)
    qa = _check_q(q)
    p = kern.params(**params)
    if not kern.dynamic:
        return np.zeros(qa.shape)
    analytic = _ANALYTIC_IM_SLOPES.get(kern.function)
    if analytic is not None:
        return np.asarray(analytic(qa, rs, **p), dtype=float)
    delta = IM_SLOPE_DELTA * ElectronGas(rs).omega_p
    return np.asarray(kern.function(qa, np.full(qa.shape, delta), rs, **p)).imag / delta
