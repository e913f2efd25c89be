"""Where and how big a cluster is drawn: species labels, the internal motion, one frame per
geometry and the scale of the paths (used by :mod:`viscous_forces.figures.cluster` and
:mod:`viscous_forces.figures.animation`).

The stored displacements are per unit drift velocity j0/n (a.u. of time: multiply by j0/n in
bohr per a.u. of time for bohr), so the magnification of a path is m/(j0/n) with the number m of
:func:`path_scale`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..constants import M_DEUTERON, M_PROTON, M_TRITON
from .style import EXTRA_COLORS, sci_tex

#: Colour of each nucleus (Okabe-Ito: blue, vermillion, bluish green, then the rest).
NUCLEUS_COLORS = ("#0072B2", "#D55E00", "#009E73", *EXTRA_COLORS, "#000000")
#: Largest magnified excursion as a fraction of the shortest internuclear distance (before the
#: magnification is rounded down to 1, 2 or 5 times a power of ten).
EXCURSION = 0.25
#: In-plane extents this close (ratio of the square roots of the principal moments) count as no
#: longest extent.
ISOTROPIC = 0.9
#: Atomic mass unit in electron masses (CODATA 2018: 1822.888486209), for mass numbers.
ATOMIC_MASS_UNIT = 1822.888486
#: The hydrogen nuclei by name and mass (electron masses).
HYDROGEN_ISOTOPES = (("H", M_PROTON), ("D", M_DEUTERON), ("T", M_TRITON))
#: Relative mass tolerance of :data:`HYDROGEN_ISOTOPES`.
ISOTOPE_TOLERANCE = 1e-3
#: Element symbols by nuclear charge (1 = H).
ELEMENTS = tuple(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr "
    "Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir "
    "Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl "
    "Mc Lv Ts Og".split()
)
#: Relative tolerance of the sign rules of :func:`motion_plane` (a component below it counts as zero).
SIGN_TOL = 1e-6
#: Fraction of a panel's width taken by the drawing of the cluster and its paths (the rest holds
#: the current arrow, the labels, the scale bar and the magnification).
DRAWING_FRACTION = 0.6


# ------------------------------------------------------------------------------------------------
# Names of the nuclei
# ------------------------------------------------------------------------------------------------


def species_label(Z: float, M: float) -> str:
    """Name of a nucleus from its charge and mass, for the figures (math text).

    Parameters
    ----------
    Z : float
        Charge (e).
    M : float
        Mass (electron masses).

    Returns
    -------
    str
        ``"H"``, ``"D"`` or ``"T"`` for the proton, deuteron and triton (to
        :data:`ISOTOPE_TOLERANCE`); for another integer charge the element symbol with the mass
        number A = M/u rounded (u = :data:`ATOMIC_MASS_UNIT`), e.g. ``"$^{4}$He"``, or with the
        mass if M/u is not within 0.1 of an integer (``"He (M = 5000)"``); ``"Z = 1.5"`` for a
        charge that is not an integer of the periodic table.
    """
    z = int(round(Z))
    if abs(Z - z) > 1e-9 or not 1 <= z <= len(ELEMENTS):
        return f"Z = {Z:g}"
    if z == 1:
        for name, mass in HYDROGEN_ISOTOPES:
            if abs(M - mass) <= ISOTOPE_TOLERANCE * mass:
                return name
    A = M / ATOMIC_MASS_UNIT
    if round(A) >= 1 and abs(A - round(A)) < 0.1:
        return f"$^{{{int(round(A))}}}${ELEMENTS[z - 1]}"
    return f"{ELEMENTS[z - 1]} (M = {M:.4g})"


def nucleus_labels(Z: Sequence[float], M: Sequence[float]) -> list[str]:
    """Labels of the nuclei of a cluster: the species, with the nucleus number where a species repeats.

    Parameters
    ----------
    Z, M : sequence of float
        Charges (e) and masses (electron masses), in the order of the dataset's ``nucleus``.

    Returns
    -------
    list of str
        :func:`species_label` of each nucleus, followed by its number (1, 2, ...) as a subscript
        if another nucleus has the same label: ``["H", "D"]`` for the pair hd,
        ``["H$_{1}$", "H$_{2}$", "H$_{3}$"]`` for three protons.
    """
    names = [species_label(float(z), float(m)) for z, m in zip(Z, M)]
    return [f"{n}$_{{{i + 1}}}$" if names.count(n) > 1 else n for i, n in enumerate(names)]


# ------------------------------------------------------------------------------------------------
# Motion, frame and scale
# ------------------------------------------------------------------------------------------------


def internal_motion(ds: xr.Dataset) -> np.ndarray:
    r"""Displacement of each nucleus relative to the centre of mass, shape (time, N, 3), per unit drift velocity.

    :math:`\mathbf u_a(t) - \sum_b M_b\mathbf u_b(t)/\sum_b M_b`, with :math:`\mathbf u_a` the
    stored ``displacement``: the common drift with the electrons is left out.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.

    Returns
    -------
    ndarray, shape (time, N, 3)
        In a.u. of time (``atomic_unit_of_time``, as ``displacement``): multiply by the drift
        velocity j0/n (bohr per a.u. of time) for bohr.
    """
    disp = ds["displacement"].values
    M = ds["M"].values
    return disp - np.einsum("a,tai->ti", M, disp)[:, None, :] / M.sum()


def centre_of_mass(ds: xr.Dataset) -> np.ndarray:
    """Centre of mass of the equilibrium geometry (bohr), the origin of the drawings.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.

    Returns
    -------
    ndarray, shape (3,)
        sum_a M_a R_a / sum_a M_a of the relaxed ``positions`` (bohr).
    """
    M = ds["M"].values
    return M @ ds["positions"].values / M.sum()


def _sign(values: np.ndarray, tol: float) -> float:
    """Sign of the first entry of ``values`` whose magnitude exceeds ``tol`` (0 if none)."""
    big = np.nonzero(np.abs(values) > tol)[0]
    return float(np.sign(values[big[0]])) if big.size else 0.0


def motion_plane(ds: xr.Dataset) -> np.ndarray:
    """Orthonormal 2 x 3 basis of the drawing: the plane of the nuclei, turned and signed by one rule.

    The plane is that of the two largest principal axes of the geometry (mass-weighted second
    moments about the centre of mass), which holds every nucleus of a planar cluster and, in linear
    response, its internal motion; for a linear cluster it is the plane of the axis and the current
    (the plane of its motion), or of the axis and the largest internal displacement across it if the
    current runs along the axis.  Within the plane:

    * the first axis lies along the longest principal axis of the geometry or, if the geometry has
      no longest extent (the square roots of the two moments within :data:`ISOTROPIC`, e.g. an
      equilateral triangle), along the current's projection on the plane (or, failing that,
      towards the first nucleus off the centre of mass);
    * signs: each axis points so that the current has a positive component along it; where the
      current has none (to :data:`SIGN_TOL`), the first axis points away from the first nucleus
      off the second axis (nucleus 1 on the left), and the second axis towards the first nucleus
      off the first axis, or else towards the first internal displacement off the first axis.

    Every rule uses only the geometry, the current and the motion, never the Cartesian axes, so a
    cluster that is turned or mirrored in space (positions, current and displacements alike) is
    drawn with the same coordinates, and equal geometries under the same current look the same in
    every panel, whatever the kernel.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.

    Returns
    -------
    ndarray, shape (2, 3)
        Rows: the in-plane unit vectors (dimensionless), the first along the longest extent of the
        geometry (or along the current).
    """
    M = ds["M"].values
    r = ds["positions"].values - centre_of_mass(ds)
    d = internal_motion(ds).reshape(-1, 3)
    e = ds["direction"].values
    r_max, d_max = np.abs(r).max(), np.abs(d).max()
    moments, axes = np.linalg.eigh((M[:, None] * r).T @ r)  # ascending
    root = np.sqrt(np.clip(moments, 0.0, None))
    a = axes[:, 2]
    if root[1] > SIGN_TOL * root[2]:  # a planar (or 3D) geometry: its own plane
        plane = np.array([a, axes[:, 1]])
    else:  # linear: the plane of the axis and the current, else of the axis and the motion across it
        across = np.concatenate([e[None, :], d / max(d_max, 1e-300)])
        across = across - np.outer(across @ a, a)
        norms = np.linalg.norm(across, axis=1)
        k = 0 if norms[0] > SIGN_TOL else int(np.argmax(norms))
        b = across[k] / norms[k] if norms[k] > SIGN_TOL else axes[:, 1]
        plane = np.array([a, b])
    P = r @ plane.T  # geometry in the plane (bohr)
    e_in = plane @ e  # the current's in-plane components
    if root[1] < ISOTROPIC * root[2]:
        x = np.array([1.0, 0.0])  # the longest principal axis
    elif np.linalg.norm(e_in) > SIGN_TOL:
        x = e_in / np.linalg.norm(e_in)
    else:
        off = np.nonzero(np.linalg.norm(P, axis=1) > SIGN_TOL * max(r_max, 1e-300))[0]
        x = P[off[0]] / np.linalg.norm(P[off[0]]) if off.size else np.array([1.0, 0.0])
    y = np.array([-x[1], x[0]])
    D = d @ plane.T
    sx = _sign(np.array([x @ e_in]), SIGN_TOL) or -_sign(P @ x, SIGN_TOL * r_max) or 1.0
    sy = (
        _sign(np.array([y @ e_in]), SIGN_TOL) or _sign(P @ y, SIGN_TOL * r_max) or _sign(D @ y, SIGN_TOL * d_max) or 1.0
    )
    return np.array([sx * x, sy * y]) @ plane


def _nice(value: float, floor: bool = False) -> float:
    """1, 2 or 5 times a power of ten: the nearest (on a log scale) or the largest not above ``value``."""
    if not value > 0:
        return 0.0
    exponent = np.floor(np.log10(value))
    steps = np.array([1.0, 2.0, 5.0, 10.0]) * 10.0**exponent
    if floor:
        return float(steps[steps <= value * (1 + 1e-12)][-1])
    return float(steps[np.argmin(np.abs(np.log(steps / value)))])


def _shortest_distance(R: np.ndarray) -> float:
    return min(np.linalg.norm(R[a] - R[b]) for a in range(len(R)) for b in range(a + 1, len(R)))


def path_scale(ds: xr.Dataset, motion: np.ndarray | None = None) -> float:
    """Magnification of the drawn paths: bohr drawn per unit of the stored displacement.

    The largest excursion drawn is at most :data:`EXCURSION` of the shortest internuclear distance:
    the factor that makes it exactly that, rounded down to 1, 2 or 5 times a power of ten.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    motion : ndarray, optional
        :func:`internal_motion` of ``ds`` (computed if not given).

    Returns
    -------
    float
        m, in bohr per (a.u. of time x j0/n): a nucleus displaced by u is drawn m u / (j0/n) from its
        equilibrium position, i.e. magnified m/(j0/n) times (j0/n in bohr per a.u. of time); 0 if
        nothing moves.
    """
    motion = internal_motion(ds) if motion is None else motion
    peak = float(np.linalg.norm(motion, axis=2).max())
    if not peak > 0:
        return 0.0
    return _nice(EXCURSION * _shortest_distance(ds["positions"].values) / peak, floor=True)


def scale_texts(bar: float, scale: float) -> tuple[str, str]:
    """The texts of the scale bar: its length, and the magnification and path displacement it stands for.

    Parameters
    ----------
    bar : float
        Length of the scale bar (bohr).
    scale : float
        Magnification m of :func:`path_scale` (bohr per a.u. of time x j0/n).

    Returns
    -------
    bar_label : str
        E.g. ``"2 bohr"``.
    magnification : str
        Two lines, e.g. ``"paths ×2×10^-4/(j0/n)"`` and ``"(bar: path of 10^4 a.u. × j0/n)"`` in
        math text: the magnification m/(j0/n) and the displacement, bar/m x j0/n (a.u. of time x
        bohr per a.u. of time), that a path as long as the bar stands for.
    """
    bar_label = f"{bar:g} bohr"
    if not scale > 0:
        return bar_label, "no internal motion"
    return bar_label, (
        rf"paths $\times\,{sci_tex(scale)}\,/\,(j_0/\bar n)$" + "\n"
        rf"(bar: path of ${sci_tex(bar / scale)}$ a.u. $\times\,j_0/\bar n$)"
    )
