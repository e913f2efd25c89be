"""Pictures of a cluster of nuclei under the current pulse: displacement paths and an animation.

Both show the internal motion, the displacement of each nucleus relative to the centre of mass
(the common drift with the electrons is left out), magnified, in the plane in which the nuclei
move.  Every panel and every animation frame carries

* the nuclei labelled by species (:func:`species_label`: H, D, T for the hydrogen nuclei, the
  element with its mass number otherwise), with the nucleus number where a species repeats;
* a scale bar of the equilibrium geometry in bohr, the magnification of the paths and the
  displacement a path as long as the bar stands for (:func:`path_scale`);
* one frame convention (:func:`motion_plane`): the same geometry, current and motion, however
  turned or mirrored in space, is drawn identically in every panel.

The stored displacements are per unit drift velocity j0/n (a.u. of time: multiply by j0/n in
bohr per a.u. of time for bohr), so the magnification of a path is m/(j0/n) with the number m of
:func:`path_scale`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..constants import AU_TIME_PS, M_DEUTERON, M_PROTON, M_TRITON
from .style import EXTRA_COLORS, PlotOptions, rc, save, sci_tex

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
#: Resolution of the animation (dots per inch).
GIF_DPI = 100


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


# ------------------------------------------------------------------------------------------------
# Drawing
# ------------------------------------------------------------------------------------------------


class _Drawing:
    """The drawn coordinates of one cluster: geometry, paths, box, scale bar, label places (bohr)."""

    def __init__(self, ds: xr.Dataset):
        self.ds = ds
        self.plane = motion_plane(ds)
        self.origin = centre_of_mass(ds)
        self.motion = internal_motion(ds)
        self.scale = path_scale(ds, self.motion)
        R = ds["positions"].values
        self.geometry = (R - self.origin) @ self.plane.T  # (N, 2)
        self.tracks = (R[None] - self.origin + self.scale * self.motion) @ self.plane.T  # (time, N, 2)
        d_min = _shortest_distance(R)
        self.bonds = [
            (a, b) for a in range(len(R)) for b in range(a + 1, len(R)) if np.linalg.norm(R[a] - R[b]) < 1.25 * d_min
        ]
        # the box, from the geometry alone (equal geometries are drawn alike): the paths reach at most
        # EXCURSION x d_min beyond the nuclei
        self.centre = 0.5 * (self.geometry.min(axis=0) + self.geometry.max(axis=0))
        reach = np.abs(self.geometry - self.centre).max() + EXCURSION * d_min
        self.half = float(reach) / DRAWING_FRACTION  # half the side of the square box
        self.bar = _nice(0.2 * 2 * self.half)
        self.labels = nucleus_labels(ds["Z"].values, ds["M"].values)
        self.label_places = self._label_places()

    def _label_places(self) -> list[tuple[np.ndarray, str, str]]:
        """Per nucleus: the label position and its alignment, in the emptiest of 8 directions."""
        box = 2 * self.half
        delta = 0.075 * box
        step = max(1, self.tracks.shape[0] // 300)
        obstacles = [self.geometry, self.tracks[::step].reshape(-1, 2)]
        for a, b in self.bonds:
            s = np.linspace(0.0, 1.0, 21)[:, None]
            obstacles.append((1 - s) * self.geometry[a] + s * self.geometry[b])
        obstacles = np.concatenate(obstacles)
        places = []
        for p in self.geometry:
            out = np.arctan2(p[1], p[0]) if np.linalg.norm(p) > 1e-9 * box else 0.5 * np.pi
            angles = out + np.arange(8) * np.pi / 4
            candidates = p + delta * np.stack([np.cos(angles), np.sin(angles)], axis=1)
            placed = [q for q, _, _ in places]
            pts = np.concatenate([obstacles, np.reshape(placed, (-1, 2))])
            score = np.min(np.linalg.norm(candidates[:, None, :] - pts[None, :, :], axis=2), axis=1)
            k = int(np.argmax(np.round(score / box, 3)))
            c, s = np.cos(angles[k]), np.sin(angles[k])
            ha = "left" if c > 0.38 else ("right" if c < -0.38 else "center")
            va = "bottom" if s > 0.38 else ("top" if s < -0.38 else "center")
            places.append((candidates[k], ha, va))
        return places

    def set_box(self, ax) -> None:
        ax.set_xlim(self.centre[0] - self.half, self.centre[0] + self.half)
        ax.set_ylim(self.centre[1] - self.half, self.centre[1] + self.half)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])

    def draw_bonds(self, ax, lw=0.8) -> None:
        for a, b in self.bonds:
            ax.plot(*self.geometry[[a, b]].T, color="0.7", lw=lw, zorder=1)

    def draw_nuclei(self, ax, size=1.0, positions=None):
        M = self.ds["M"].values
        P = self.geometry if positions is None else positions
        return ax.scatter(
            P[:, 0], P[:, 1], s=size * 60 * (M / M.min()) ** (1 / 3), zorder=3, edgecolors="k", linewidths=0.5,
            c=[NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)] for a in range(len(P))], gid="nuclei",
        )  # fmt: skip

    def draw_labels(self, ax, fontsize) -> None:
        for a, ((x, y), ha, va) in enumerate(self.label_places):
            ax.text(
                x, y, self.labels[a], ha=ha, va=va, fontsize=fontsize, zorder=5, gid="nucleus_label",
                color=NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)], fontweight="bold",
            )  # fmt: skip

    def draw_scale(self, ax, fontsize) -> None:
        """Scale bar (bohr) in the lower left corner, its length above it, the magnification below."""
        x0 = self.centre[0] - self.half + 0.06 * 2 * self.half
        y0 = self.centre[1] - self.half + 0.135 * 2 * self.half
        ax.plot([x0, x0 + self.bar], [y0, y0], color="k", lw=2.0, solid_capstyle="butt", zorder=4, gid="scale_bar")
        bar_label, magnification = scale_texts(self.bar, self.scale)
        ax.text(x0 + 0.5 * self.bar, y0 + 0.012 * 2 * self.half, bar_label, ha="center", va="bottom",
                fontsize=fontsize, gid="scale_bar_label")  # fmt: skip
        ax.text(x0, y0 - 0.02 * 2 * self.half, magnification, ha="left", va="top", fontsize=fontsize,
                gid="magnification", linespacing=1.3)  # fmt: skip

    def draw_current(self, ax, fontsize, length=0.16) -> None:
        """The current direction projected on the plane: an arrow in the upper left corner (axes fraction)."""
        e = self.plane @ self.ds["direction"].values
        if np.linalg.norm(e) < 1e-9:
            ax.text(0.04, 0.93, r"current $\perp$ plane", transform=ax.transAxes, fontsize=fontsize, color="0.3")
            return
        start = np.array([0.05, 0.9]) + length * np.array([max(-e[0], 0.0), min(-e[1], 0.0)])
        ax.annotate(
            "", xy=start + length * e, xytext=start, xycoords="axes fraction", textcoords="axes fraction",
            arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.2}, zorder=4,
        )  # fmt: skip
        ax.text(*(start + length * e + 0.02), "j", color="0.3", fontsize=fontsize, transform=ax.transAxes)


def _saddle_note(ax, ds, fontsize) -> None:
    if ds.attrs.get("saddle_curvatures", "[]") != "[]":
        ax.text(0.97, 0.96, "relaxed from\na saddle point", transform=ax.transAxes, ha="right", va="top",
                fontsize=fontsize, color="0.35", gid="saddle_note")  # fmt: skip


def plot_cluster_paths(datasets: Sequence[xr.Dataset], paths: Sequence[str], opts: PlotOptions | None = None):
    """Displacement paths of the nuclei of one cluster: one panel per (r_s, kernel).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.cluster.simulate_cluster` for one cluster (any kernels
        and r_s).
    paths : sequence of str
        Files to write.
    opts : PlotOptions, optional
        Appearance.

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) figure.  Each panel, drawn in the frame of :func:`motion_plane` about the
        centre of mass: the relaxed geometry (nuclei sized by mass, labelled by
        :func:`nucleus_labels`), each nucleus's path relative to the centre of mass while the
        current flows (solid) and after it stops (dashed), magnified by :func:`path_scale`, the
        current direction projected on the plane (arrow), a scale bar in bohr with the
        magnification and the path displacement it stands for (:func:`scale_texts`).
    """
    opts = opts or PlotOptions()
    rs_values = sorted({float(ds.attrs["rs"]) for ds in datasets})
    kernels = list(dict.fromkeys(ds.attrs["kernel"] for ds in datasets))
    cells = {(float(ds.attrs["rs"]), ds.attrs["kernel"]): ds for ds in datasets}
    name = datasets[0].attrs["cluster"]
    small = opts.font_size - 2
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(
            len(rs_values), len(kernels), figsize=(opts.width, 0.95 * opts.height * len(rs_values) + 0.7),
            squeeze=False, layout="constrained",
        )  # fmt: skip
        for i, rs in enumerate(rs_values):
            for j, k in enumerate(kernels):
                ax = axes[i, j]
                ds = cells.get((rs, k))
                if ds is None:
                    ax.set_axis_off()
                    continue
                drawing = _Drawing(ds)
                t, T = ds["time"].values, float(ds.attrs["pulse_duration"])
                on = (t >= 0) & (t <= T)
                for a in range(drawing.geometry.shape[0]):
                    color = NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)]
                    ax.plot(*drawing.tracks[on, a].T, color=color, lw=0.6, zorder=2, gid=f"path_on_{a + 1}")
                    ax.plot(*drawing.tracks[t >= T, a].T, color=color, lw=0.6, ls=(0, (2, 1.5)), zorder=2,
                            gid=f"path_after_{a + 1}")  # fmt: skip
                drawing.draw_bonds(ax)
                drawing.draw_nuclei(ax, size=0.8)
                drawing.draw_labels(ax, small)
                drawing.set_box(ax)
                drawing.draw_current(ax, small)
                drawing.draw_scale(ax, small)
                ax.set_title(f"{ds.attrs.get('kernel_label', k)}, $r_s$ = {rs:g}", fontsize=opts.font_size)
                _saddle_note(ax, ds, small)
        fig.suptitle(
            f"Cluster {name}: path of each nucleus relative to the c.m., current on (solid) and after (dashed)\n"
            r"bar: the equilibrium geometry in bohr; paths magnified as given ($j_0/\bar n$: drift velocity in a.u.)",
            fontsize=opts.font_size,
        )
        save(fig, paths, opts.dpi)
    return fig


def frame_times(ds: xr.Dataset, periods: float = 4.0, per_period: int = 12, slow: int = 24) -> np.ndarray:
    """Times (a.u.) of the animation frames: a few vibration periods after switch-on and after
    switch-off, finely sampled, and the rest of each phase coarsely.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    periods : float
        Vibration periods (of the fastest oscillating mode) shown after each switching.
    per_period : int
        Frames per period in those windows.
    slow : int
        Frames of the remaining part of each phase.

    Returns
    -------
    ndarray
        Increasing times (a.u. of time) within the dataset's window.
    """
    t, T = ds["time"].values, float(ds.attrs["pulse_duration"])
    freq = ds["mode_frequency"].values
    period = 2 * np.pi / freq.max() if np.any(freq > 0) else 0.05 * T
    window = min(periods * period, 0.25 * T)
    n_fast = max(int(per_period * window / period), 8)
    parts = [np.linspace(t[0], 0.0, 4, endpoint=False)] if t[0] < 0 else []
    for start, end in ((0.0, T), (T, t[-1])):
        if end <= start:
            continue
        fast_end = min(start + window, end)
        parts.append(np.linspace(start, fast_end, n_fast, endpoint=False))
        if end > fast_end:
            parts.append(np.linspace(fast_end, end, slow, endpoint=False))
    return np.unique(np.concatenate([*parts, [t[-1]]]))


#: Size of the animation (inches at :data:`GIF_DPI`: 720 x 560 pixels).
GIF_SIZE = (7.2, 5.6)


def animation_figure(ds: xr.Dataset, opts: PlotOptions | None = None):
    """The figure of :func:`animate_cluster` at the first frame, and a function that moves it to a time.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    opts : PlotOptions, optional
        Appearance (fonts).

    Returns
    -------
    fig : matplotlib.figure.Figure
        :data:`GIF_SIZE` inches at :data:`GIF_DPI`: the title, the time label below it, the cluster
        (equilibrium positions as grey crosses, the magnified paths faint, the nuclei labelled by
        species, the current arrow, the scale bar and the magnification), a legend of the nuclei on
        the right and the pulse with a marker of the time below.  Left open; the caller closes it.
    update : callable
        ``update(t)`` moves the nuclei, the time label and the marker to time t (a.u.) and returns
        the artists that change (animated: they are not drawn by ``fig.canvas.draw()``).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    opts = opts or PlotOptions()
    drawing = _Drawing(ds)
    t = ds["time"].values
    T = float(ds.attrs["pulse_duration"])
    pulse = ds["pulse"].values
    R = ds["positions"].values
    width, height = GIF_SIZE
    with plt.rc_context(rc(opts)):
        fig = Figure(figsize=GIF_SIZE, dpi=GIF_DPI)
        side = 0.7 * height  # the square drawing (inches)
        ax = fig.add_axes((0.02, 0.2, side / width, side / height))
        bar = fig.add_axes((0.09, 0.075, 0.87, 0.055))
        for a in range(R.shape[0]):  # equilibrium positions and the faint magnified paths
            color = NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)]
            ax.plot(*drawing.tracks[:, a].T, color=color, lw=0.6, alpha=0.35, zorder=2)
            ax.plot(*drawing.geometry[a], marker="+", color="0.45", ms=8, zorder=1)
        drawing.draw_bonds(ax)
        dots = drawing.draw_nuclei(ax, size=1.4)
        dots.set_animated(True)
        drawing.draw_labels(ax, opts.font_size)
        drawing.set_box(ax)
        drawing.draw_current(ax, opts.font_size - 1)
        drawing.draw_scale(ax, opts.font_size - 1)
        _saddle_note(ax, ds, opts.font_size - 1)
        kernel = ds.attrs.get("kernel_label", ds.attrs["kernel"])
        fig.text(
            0.5, 0.985, f"Cluster {ds.attrs['cluster']}, {kernel}, $r_s$ = {float(ds.attrs['rs']):g}: internal motion "
            "relative to the c.m.", ha="center", va="top", fontsize=opts.font_size + 1, gid="title",
        )  # fmt: skip
        clock = fig.text(0.5, 0.935, "", ha="center", va="top", fontsize=opts.font_size + 1, gid="time_label")
        clock.set_animated(True)
        M = ds["M"].values
        handles = [
            Line2D([], [], ls="none", marker="o", ms=7 * (m / M.min()) ** (1 / 6), mec="k", mew=0.5,
                   color=NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)])
            for a, m in enumerate(M)
        ]  # fmt: skip
        names = [f"nucleus {a + 1}: {label}" for a, label in enumerate(drawing.labels)]
        handles += [
            Line2D([], [], ls="none", marker="+", color="0.45", ms=8),
            Line2D([], [], color="0.5", lw=0.8, alpha=0.6),
        ]
        names += ["equilibrium position", "path (magnified)"]
        fig.legend(
            handles, names, loc="upper left", bbox_to_anchor=(0.02 + side / width + 0.02, 0.9), frameon=False,
            fontsize=opts.font_size,
        )  # fmt: skip
        bar.plot(t * AU_TIME_PS, pulse, color="0.45", lw=1.0)
        marker = bar.axvline(0.0, color="#D55E00", lw=1.5)
        marker.set_animated(True)
        bar.set_yticks([])
        bar.set_xlim(t[0] * AU_TIME_PS, t[-1] * AU_TIME_PS)
        bar.set_xlabel("time $t$ (ps): the current pulse (grey) and the time shown (vermillion)")
        bar.tick_params(labelsize=opts.font_size - 1)

    def update(tt: float):
        shift = np.stack([[np.interp(tt, t, drawing.tracks[:, a, c]) for c in range(2)] for a in range(R.shape[0])])
        dots.set_offsets(shift)
        marker.set_xdata([tt * AU_TIME_PS, tt * AU_TIME_PS])
        phase = "current on" if 0 <= tt <= T else ("before the pulse" if tt < 0 else "after the pulse")
        clock.set_text(f"t = {tt * AU_TIME_PS:.3f} ps ({phase})")
        return dots, marker, clock

    update(t[0])
    return fig, update


def animate_cluster(ds: xr.Dataset, path: str, opts: PlotOptions | None = None, fps: int = 12) -> int:
    """GIF of the cluster moving under the pulse.

    The static part of the figure (:func:`animation_figure`) is drawn once; each frame redraws only
    the nuclei, the time label and the time marker on it, and all frames share one palette of at
    most 128 colours (unchanged pixels are left transparent by Pillow's GIF writer).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    path : str
        GIF file to write.
    opts : PlotOptions, optional
        Appearance (fonts).
    fps : int
        Frames per second.

    Returns
    -------
    int
        Number of frames (:func:`frame_times`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig, update = animation_figure(ds, opts)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    renderer = canvas.get_renderer()
    images = []
    for tt in frame_times(ds):
        canvas.restore_region(background)
        for artist in update(tt):
            artist.draw(renderer)
        images.append(Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy()))
    sample = Image.new("RGB", (images[0].width, 2 * images[0].height))
    sample.paste(images[0], (0, 0))
    sample.paste(images[len(images) // 2], (0, images[0].height))
    palette = sample.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=round(1000 / fps), loop=0, optimize=True)
    return len(frames)
