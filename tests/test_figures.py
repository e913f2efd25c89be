"""What the figures say, checked on the drawn artists of small synthetic datasets (no workflow run).

Cluster figures: labelled nuclei, a scale bar with the magnification, one frame for one geometry
however it is turned in space, an animation at least 600 px wide with every text on the canvas.
Fig. 1: every curve's minimum and its rise in view.  Fig. 4: row labels (envelopes, zoom periods)
and the README saying the same.  Velocity axes: no tick like ``0.00010``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.text import Text

from viscous_forces.constants import M_DEUTERON, M_PROTON
from viscous_forces.figures.cluster import plot_cluster_paths
from viscous_forces.figures.potential import plot_potential
from viscous_forces.figures.velocities import ZOOM_PERIODS, oscillations, plot_velocities

README = Path(__file__).resolve().parents[1] / "README.md"


# --------------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------------


def _rotation(axis, angle, mirror=False):
    """Orthogonal 3 x 3 matrix: a rotation about ``axis``, followed by the mirror z -> -z if asked."""
    k = np.asarray(axis, float) / np.linalg.norm(axis)
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    Q = np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * K @ K
    return np.diag([1.0, 1.0, -1.0]) @ Q if mirror else Q


def _cluster(name, M, positions, direction, amplitudes, kernel="rpa", rs=10.0, Q=None):
    """A dataset shaped like the output of simulate_cluster: nuclei vibrating along ``amplitudes``."""
    Q = np.eye(3) if Q is None else Q
    T, omega = 4000.0, 2 * np.pi / 300.0
    t = np.linspace(-200.0, 8000.0, 1200)
    on = np.clip(t, 0.0, None)
    wave = np.sin(omega * on) * np.exp(-on / 3000.0)  # per unit drift velocity (a.u. of time)
    disp = wave[:, None, None] * np.asarray(amplitudes, float)[None] @ Q.T
    n = len(M)
    return xr.Dataset(
        {
            "Z": ("nucleus", np.ones(n)),
            "M": ("nucleus", np.asarray(M, float)),
            "positions": (("nucleus", "xyz"), np.asarray(positions, float) @ Q.T),
            "direction": ("xyz", np.asarray(direction, float) @ Q.T),
            "displacement": (("time", "nucleus", "xyz"), disp),
            "pulse": ("time", ((t >= 0) & (t <= T)).astype(float)),
            "mode_frequency": ("mode", [omega]),
        },
        coords={"time": t, "nucleus": np.arange(1, n + 1)},
        attrs={"cluster": name, "kernel": kernel, "kernel_label": kernel.upper(), "rs": rs, "pulse_duration": T,
               "saddle_curvatures": "[]"},
    )  # fmt: skip


def _h3_linear(kernel, Q=None):
    """Three protons in a row along x, the current at 40 degrees in the xy plane; the kernels differ
    in the amplitudes of the motion (the middle nucleus moves across the chain, the ends along it)."""
    e = [np.cos(np.radians(40)), np.sin(np.radians(40)), 0.0]
    across = {"rpa": 3.0, "mcp07": 7.0}[kernel]
    amplitudes = [[-2.0, -0.5, 0.0], [0.0, across, 0.0], [2.0, -0.5, 0.0]]
    return _cluster("h3_linear", [M_PROTON] * 3, [[-3, 0, 0], [0, 0, 0], [3, 0, 0]], e, amplitudes, kernel, Q=Q)


def _hd():
    amplitudes = [[1.0, 2.0, 0.0], [-0.5, -1.0, 0.0]]
    return _cluster("hd", [M_PROTON, M_DEUTERON], [[0, 0, 0], [1.4, 0, 0]], [0.6, 0.8, 0.0], amplitudes, "rpa", 6.0)


def _texts(fig, gid=None):
    return [t for t in fig.findobj(Text) if t.get_text() and (gid is None or t.get_gid() == gid)]


def _axes_fraction(ax, xy):
    return ax.transAxes.inverted().transform(ax.transData.transform(xy))


def _nuclei(ax):
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    return np.asarray(dots.get_offsets())


# --------------------------------------------------------------------------------------------
# Cluster paths and animation
# --------------------------------------------------------------------------------------------


def test_cluster_nuclei_are_labelled_by_species(tmp_path):
    from viscous_forces.figures.cluster_frame import nucleus_labels, species_label

    fig = plot_cluster_paths([_hd()], [tmp_path / "hd.png"])
    assert sorted(t.get_text() for t in _texts(fig, "nucleus_label")) == ["D", "H"]
    assert species_label(1.0, 5496.92154) == "T"
    assert species_label(2.0, 4 * 1822.888486 - 1.0) == "$^{4}$He"
    assert nucleus_labels([1, 1, 1], [M_PROTON] * 3) == ["H$_{1}$", "H$_{2}$", "H$_{3}$"]


def test_cluster_paths_carry_a_scale_bar_and_the_magnification(tmp_path):
    from viscous_forces.figures.cluster_frame import internal_motion, path_scale, scale_texts

    ds = _hd()
    fig = plot_cluster_paths([ds], [tmp_path / "hd.png"])
    (ax,) = fig.axes
    (bar,) = [ln for ln in ax.get_lines() if ln.get_gid() == "scale_bar"]
    length = float(np.ptp(bar.get_xdata()))
    (bar_label,) = _texts(fig, "scale_bar_label")
    assert bar_label.get_text() == f"{length:g} bohr"
    m = path_scale(ds)
    mantissa = m / 10.0 ** np.floor(np.log10(m))
    assert min(abs(mantissa - x) for x in (1.0, 2.0, 5.0)) < 1e-9  # 1, 2 or 5 times a power of ten
    (magnification,) = _texts(fig, "magnification")
    assert magnification.get_text() == scale_texts(length, m)[1]
    assert r"\times" in magnification.get_text()
    # the paths are drawn magnified by exactly m: their largest excursion is m times the largest motion
    motion = internal_motion(ds)
    geometry = _nuclei(ax)
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "path_on_1"]
    drawn = np.column_stack([line.get_xdata(), line.get_ydata()]) - geometry[0]
    assert np.linalg.norm(drawn, axis=1).max() == pytest.approx(
        m * np.linalg.norm(motion[(ds["time"].values >= 0) & (ds["time"].values <= 4000.0), 0], axis=1).max(),
        rel=1e-9,
    )


@pytest.mark.parametrize("mirror", [False, True])
def test_one_geometry_is_drawn_alike_in_every_panel(tmp_path, mirror):
    """h3_linear at one r_s for two kernels (different motion), the second turned (and mirrored) in space:
    the nuclei sit at the same places of both panels."""
    Q = _rotation([1.0, -2.0, 0.5], 2.2, mirror)
    fig = plot_cluster_paths([_h3_linear("rpa"), _h3_linear("mcp07", Q)], [tmp_path / "h3.png"])
    left, right = fig.axes
    a, b = _axes_fraction(left, _nuclei(left)), _axes_fraction(right, _nuclei(right))
    np.testing.assert_allclose(a, b, atol=1e-9)
    assert np.ptp(a[:, 0]) > 0.3  # the chain lies along the first axis of the drawing


def test_animation_is_wide_enough_with_every_text_on_the_canvas(tmp_path):
    from PIL import Image

    from viscous_forces.figures.animation import animate_cluster, animation_figure

    ds = _h3_linear("rpa")
    path = tmp_path / "h3.gif"
    n = animate_cluster(ds, str(path))
    with Image.open(path) as im:
        assert im.size[0] >= 600 and getattr(im, "n_frames", 1) == n
    fig, update = animation_figure(ds)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # places the axis labels
    renderer = canvas.get_renderer()
    extent = fig.bbox
    for tt in (ds["time"].values[0], 1234.5, ds["time"].values[-1]):
        update(tt)
        (title,), (clock,) = _texts(fig, "title"), _texts(fig, "time_label")
        assert "ps" in clock.get_text()
        # the title, the time label and everything drawn (tight box of the figure) on the canvas
        drawn = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)  # inches -> pixels
        for box in (title.get_window_extent(renderer), clock.get_window_extent(renderer), drawn):
            assert box.x0 >= extent.x0 - 0.5 and box.x1 <= extent.x1 + 0.5
            assert box.y0 >= extent.y0 - 0.5 and box.y1 <= extent.y1 + 0.5


# --------------------------------------------------------------------------------------------
# Fig. 1
# --------------------------------------------------------------------------------------------


def _potential(kernel, wall, friedel, d_min):
    """U(d) shaped like the paper's at r_s = 2: a wall that rises to ~10x the well depth at 3 bohr."""
    d = np.linspace(3.0, 12.0, 361)
    U = 1e-3 * (wall * np.exp(-(d - 3) / 0.6) - friedel * np.cos(2 * np.pi * (d - d_min) / 3.3) / (d / 5) ** 3)
    inner = (d > 4) & (d < 6.5)
    i = int(np.argmin(np.where(inner, U, np.inf)))
    return xr.Dataset(
        {"U": ("d", U), "F": ("d", -np.gradient(U, d)), "d_eq": d[i], "energy_eq": U[i]},
        coords={"d": d},
        attrs={"kernel": kernel, "kernel_label": kernel.upper(), "rs": 2.0},
    )


def test_fig1_shows_every_minimum_and_its_rise(tmp_path):
    from viscous_forces.figures.potential import WALL_RISE

    dss = [_potential("mcp07", 3.0, 0.45, 5.1), _potential("rpa", 11.0, 0.35, 5.4)]
    fig = plot_potential(dss, [tmp_path / "f.png"])
    ax_u, _ = fig.axes
    (x0, x1), (y0, y1) = ax_u.get_xlim(), ax_u.get_ylim()
    for ds in dss:
        d, U = ds["d"].values, 1e3 * ds["U"].values
        d_eq, u_min = float(ds["d_eq"]), 1e3 * float(ds["energy_eq"])
        assert x0 < d_eq < x1 and y0 < u_min < y1  # the minimum in view
        right = U[d > d_eq]
        barrier = right[np.nonzero((right[1:-1] > right[:-2]) & (right[1:-1] >= right[2:]))[0][0] + 1]
        depth = barrier - u_min
        assert y1 > barrier  # the rise on the right, to the next maximum
        # the rise on the left: the wall reaches WALL_RISE x the depth above the minimum within the window
        seen = (d >= x0) & (d < d_eq) & (U <= y1)
        at_edge = np.interp(x0, d, U)  # the curve where the window starts
        highest = max(U[seen].max(), at_edge if at_edge <= y1 else -np.inf)
        assert highest >= u_min + WALL_RISE * depth - 1e-9
        # and no curve leaves the top of the panel within the window
        assert U[(d >= x0) & (d <= x1)].max() <= y1


# --------------------------------------------------------------------------------------------
# Velocities: Fig. 4 rows and the tick labels
# --------------------------------------------------------------------------------------------


def _velocity(kernel, var, geometry, amplitude, period, rs=6.0):
    """A velocity that rings at ``period`` after each switching of a box pulse (a.u. of time)."""
    T = 4.0e4
    t = np.linspace(-2.0e3, 9.0e4, 60001)
    v = np.zeros_like(t)
    for t0, sign in ((0.0, 1.0), (T, -1.0)):
        s = np.clip(t - t0, 0.0, None)
        v += sign * amplitude * np.sin(2 * np.pi * s / period) * np.exp(-s / 1.2e4)
    return xr.Dataset(
        {var: ("time", v), "pulse": ("time", ((t >= 0) & (t <= T)).astype(float))},
        coords={"time": t},
        attrs={"kernel": kernel, "kernel_label": kernel.upper(), "rs": rs, "geometry": geometry,
               "pulse_duration": T},
    )  # fmt: skip


def test_fig4_says_what_its_rows_show(tmp_path):
    periods = {"rmcp07": 1500.0, "rpa": 2600.0}
    data = {(k, 6.0): _velocity(k, "v_rel", "parallel", 1e-2, p) for k, p in periods.items()}
    fig = plot_velocities(data, 4, [tmp_path / "f.png"], list(periods), [6.0])
    top, on, off = fig.axes
    assert "envelopes" in top.get_ylabel()
    assert any("envelopes" in t.get_text() for t in top.texts)
    fastest = min(oscillations(ds["time"].values, ds["v_rel"].values)[1] for ds in data.values())
    for ax in (on, off):
        title = ax.get_title()
        assert f"{ZOOM_PERIODS:g} fastest periods" in title
        # the window holds that many periods of the fastest curve after the switching
        assert ax.get_xlim()[1] == pytest.approx(ZOOM_PERIODS * fastest * 2.4188843e-2, rel=1e-6)
    # README quotes the same number of periods for the zoom rows
    words = {6: "six", 5: "five", 4: "four", 8: "eight", 10: "ten"}
    row = next(line for line in README.read_text().splitlines() if line.startswith("| `fig4."))
    assert "envelopes" in row and f"{words[int(ZOOM_PERIODS)]} periods of the fastest vibration" in row


def test_small_velocities_get_a_common_power_of_ten(tmp_path):
    data = {(k, 6.0): _velocity(k, "v_cm", "parallel", a, 3.0e4) for k, a in (("rmcp07", 1.2e-4), ("rpa", 0.8e-4))}
    fig = plot_velocities(data, 2, [tmp_path / "f.png"], ["rmcp07", "rpa"], [6.0])
    (ax,) = fig.axes
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and not any("0.000" in s for s in labels), labels
    offset = ax.yaxis.get_offset_text().get_text()
    assert r"\times" in offset and "10^{" in offset  # a common factor such as x10^-5 at the top


def test_every_figure_axis_writes_small_numbers_with_a_power_of_ten():
    import matplotlib.pyplot as plt

    from viscous_forces.figures.style import PlotOptions, rc

    with plt.rc_context(rc(PlotOptions())):
        fig, ax = plt.subplots()
        ax.plot([0.0, 1.0, 2.0], [0.0, 1.5e-4, 3e-4])
        fig.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        offset = ax.yaxis.get_offset_text().get_text()
    plt.close(fig)
    assert labels and not any("0.000" in s for s in labels), labels
    assert r"\times" in offset and "10^{" in offset


def test_sci_tex_writes_numbers_as_the_axes_do():
    from viscous_forces.figures.style import sci_tex

    assert sci_tex(2e-4) == "2{\\times}10^{-4}"
    assert sci_tex(0.35) == "0.35"
    assert sci_tex(1e4) == "10^{4}"
    assert sci_tex(9.996e-3) == "10^{-2}"
