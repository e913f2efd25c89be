"""Named runs side by side, and the figures drawn from their outputs.

Two full runs in one working directory: the tiny configuration (``run.name: tiny``, standing in for
the paper's run) and a Gaussian-pulse variant that names no run (its outputs go under the stem of
its --configfile, ``results/gauss/``).  The second run must leave every file of the first
byte-identical.  The figure functions are then called on both runs' files and the data they draw
is compared with the files (not pixels).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pint
import pytest
import xarray as xr

from viscous_forces.constants import AU_TIME_PS
from viscous_forces.figures.chi_map import plot_chi_map
from viscous_forces.figures.potential import plot_potential
from viscous_forces.figures.velocities import ZOOM_PERIODS, envelope, oscillations, plot_velocities
from viscous_forces.io import read_result

from workflow_helpers import planned_outputs, run_snakemake, write_config

pytestmark = pytest.mark.slow

KERNELS = ("rmcp07", "mcp07", "rpa")
#: Femtoseconds per atomic unit of time (the zoom rows' axis unit).
FS = 1e3 * AU_TIME_PS


def _digests(root: Path) -> dict[str, str]:
    return {
        str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest() for f in root.rglob("*") if f.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("runs")
    console = run_snakemake(work)  # tiny.yaml: run.name tiny
    first = {"results": _digests(work / "results" / "tiny"), "logs": _digests(work / "logs" / "tiny")}
    gauss = write_config(work / "gauss.yaml", run={"name": None}, pulse={"shape": "gaussian"})
    run_snakemake(work, configfile=gauss)
    # the clusters of the first run: new files only, the paper's outputs untouched
    one_cluster = write_config(work / "tiny.yaml", clusters={"h3_triangle": {"preset": "h3_triangle"}})
    run_snakemake(work, "clusters", configfile=one_cluster)
    return SimpleNamespace(
        work=work, first=first, res=work / "results" / "tiny", gauss=work / "results" / "gauss", console=console
    )


def test_console_prints_one_line_per_job(runs):
    """The console of a cold run: one line per job (``[k/N] rule (wildcards) t s``), the details in the logs."""
    lines = (runs.console.stdout + runs.console.stderr).splitlines()
    jobs = [line for line in lines if re.match(r"\[\s*\d+/\d+\] \w+", line)]
    total = int(re.match(r"\[\s*\d+/(\d+)\]", jobs[0]).group(1))
    assert len(jobs) == total and total > 20
    # beside the job lines: Snakemake's header and job table (about 45 lines whatever the job count)
    assert len(lines) < total + 60, "\n".join(lines[:80])
    assert not any("input:" in line for line in lines)


def test_another_run_leaves_every_output_of_the_first_byte_identical(runs):
    """A second configuration, and then the clusters target of the first, change none of the first run's files."""
    assert len(runs.first["results"]) > 40
    now = _digests(runs.res)
    assert {k: now[k] for k in runs.first["results"]} == runs.first["results"]
    added = sorted(set(now) - set(runs.first["results"]))
    assert added and all(a.startswith(("cluster/", "figures/cluster_", ".params/")) for a in added), added
    stamps = [a for a in added if a.startswith(".params/")]  # the parameter stamps of the new cluster jobs
    assert stamps and all("cluster" in a for a in stamps), stamps
    logs = _digests(runs.work / "logs" / "tiny")
    assert {k: logs[k] for k in runs.first["logs"]} == runs.first["logs"]
    # the second run wrote under its own name only
    # (beside results/.code, the code stamps that every run in this directory shares)
    assert sorted(p.name for p in (runs.work / "results").iterdir()) == [".code", "gauss", "tiny"]
    assert sorted(p.name for p in (runs.work / "logs").iterdir()) == ["gauss", "tiny"]
    for n in range(1, 6):
        assert (runs.gauss / "figures" / f"fig{n}.png").is_file()
    ds = read_result(runs.gauss / "velocity/rpa/rs6_parallel.nc")
    assert ds.attrs["pulse_shape"] == "GaussianPulse"


def test_run_name_rules(runs, tmp_path):
    """Only the repository's config.yaml writes results/ itself; a config.yaml elsewhere runs under its
    folder's name, another file under its stem, run.name wins; an empty name is refused."""
    folder = tmp_path / "study"
    folder.mkdir()
    unnamed = write_config(folder / "config.yaml", run={"name": None})
    outs = planned_outputs(run_snakemake(runs.work, "-n", "--forceall", configfile=unnamed))
    assert outs and all(o.startswith("results/study/") for o in outs)
    empty = write_config(tmp_path / "empty.yaml", run={"name": ""})
    proc = run_snakemake(runs.work, "-n", configfile=empty, check=False)
    assert proc.returncode != 0 and "run.name = '' is empty" in proc.stdout + proc.stderr
    stem = write_config(tmp_path / "rs6-coarse.yaml", run={"name": None})
    outs = planned_outputs(run_snakemake(runs.work, "-n", "--forceall", configfile=stem))
    assert outs and all(o.startswith("results/rs6-coarse/") for o in outs)
    named = write_config(tmp_path / "whatever.yaml", run={"name": "mine"})
    outs = planned_outputs(run_snakemake(runs.work, "-n", "--forceall", configfile=named))
    assert outs and all(o.startswith("results/mine/") for o in outs)
    bad = write_config(tmp_path / "bad.yaml", run={"name": "figures"})
    proc = run_snakemake(runs.work, "-n", configfile=bad, check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "run.name = 'figures' is a folder of the paper's run" in text


def test_every_unit_is_readable_by_pint(runs):
    """Every variable's ``units`` parses in pint; ratios carry a units_description."""
    ureg = pint.UnitRegistry()
    seen = set()
    for f in sorted(runs.res.rglob("*.nc")):
        with xr.open_dataset(f) as ds:
            for name in list(ds.data_vars) + list(ds.coords):
                unit = ds[name].attrs["units"]
                ureg.parse_units(unit)  # raises on an unreadable string
                seen.add(unit)
                if name in ("v_cm", "v_rel", "v_cm_markov", "v_rel_markov", "pulse"):
                    assert ds[name].attrs["units_description"], (f, name)
            if "pulse_duration_units" in ds.attrs:
                assert ureg.parse_units(ds.attrs["pulse_duration_units"]) == ureg.atomic_unit_of_time
    assert (1 * ureg.parse_units("atomic_unit_of_time")).to("s").magnitude == pytest.approx(2.4188843265864e-17)
    assert {"hartree", "bohr", "1/bohr", "atomic_unit_of_time", "1/(hartree*bohr**3)"} <= seen


def test_map_file_agrees_with_closed_form_lindhard(runs):
    """The stored RPA map against the closed form in 40-digit arithmetic at random grid points.

    Measured over all 90 000 points of the rs = 2, 6, 10 maps: relative error <= 3.1e-11 where the
    condition number kappa of Eq. (15) is below 10, and error/max(1, kappa) <= 4.4e-12 everywhere (up
    to 9e-10 relative right on the plasmon, where kappa ~ 1e3 amplifies the last bit of chi_s).
    """
    from oracles import lindhard_rpa_chi_mp, rpa_condition_number

    ds = read_result(runs.res / "chi/rpa/rs6_map.nc")
    assert ds.sizes["q"] >= 300 and ds.sizes["omega"] >= 300
    assert ds["q_over_kF"].values[-1] == pytest.approx(3.0)
    assert ds["omega_over_omega_p"].values[-1] == pytest.approx(2.0)
    rng = np.random.default_rng(7)
    i, j = rng.integers(0, ds.sizes["q"], 400), rng.integers(1, ds.sizes["omega"], 400)
    q, w = ds["q"].values[i], ds["omega"].values[j]
    ref = lindhard_rpa_chi_mp(q, w, 6.0)
    err = np.abs(ds["chi"].values[i, j] - ref) / np.abs(ref)
    assert np.max(err / np.maximum(1.0, rpa_condition_number(q, ref))) < 1e-10


# --------------------------------------------------------------------------------------------
# Figures: the data drawn (not pixels)
# --------------------------------------------------------------------------------------------


def _velocities(root, geometry):
    return {(k, 6.0): read_result(root / f"velocity/{k}/rs6_{geometry}.nc") for k in KERNELS}


def _kernel_lines(ax):
    """Lines of an axes other than the pulse schematic and the zero line."""
    return [ln for ln in ax.get_lines() if ln.get_label() != "pulse (schematic)" and len(ln.get_xdata()) > 2]


@pytest.mark.parametrize("which", ["res", "gauss"])
@pytest.mark.parametrize("figure", [2, 3, 5])
def test_velocity_figures_draw_the_file_data(runs, tmp_path, which, figure):
    geometry = "parallel" if figure == 2 else "perpendicular"
    var = "v_cm" if figure in (2, 3) else "v_rel"
    data = _velocities(getattr(runs, which), geometry)
    fig = plot_velocities(data, figure, [tmp_path / "f.png"], list(KERNELS), [6.0])
    (ax,) = fig.axes
    lines = _kernel_lines(ax)
    assert [ln.get_label() for ln in lines] == [data[k, 6.0].attrs["kernel_label"] for k in KERNELS]
    for ln, k in zip(lines, KERNELS):
        np.testing.assert_array_equal(ln.get_ydata(), data[k, 6.0][var].values)


def test_fig4_paper_run_envelopes_and_zooms(runs, tmp_path):
    data = _velocities(runs.res, "parallel")
    fig = plot_velocities(data, 4, [tmp_path / "f.png"], list(KERNELS), [6.0])
    assert len(fig.axes) == 3  # full window, after switch-on, after switch-off
    top, on, off = fig.axes
    lines = _kernel_lines(top)
    for k in KERNELS:
        ds = data[k, 6.0]
        t, v = ds["time"].values, ds["v_rel"].values
        runs_, period = oscillations(t, v)
        assert len(runs_) == 1 and 1000 < period < 6000  # one oscillation, period ~ 2 pi/omega_vib (a.u.)
        (tu, vu), _ = envelope(t, v)
        upper = [ln for ln in lines if np.isin(ln.get_ydata(), vu).all() and len(ln.get_ydata()) > 20]
        assert upper, k  # a line through the maxima
        # the curve itself is drawn only outside the oscillation (NaN inside it)
        curve = next(ln for ln in lines if ln.get_label() == ds.attrs["kernel_label"])
        inside = (t > runs_[0][0]) & (t < runs_[0][1])
        assert np.all(np.isnan(np.asarray(curve.get_ydata(), float)[inside]))
        # zoom rows: V_r itself, ZOOM_PERIODS periods of the fastest kernel after 0 and after T
    for ax, t0 in ((on, 0.0), (off, data["rpa", 6.0].attrs["pulse_duration"])):
        zl = _kernel_lines(ax)
        assert len(zl) == 3
        for ln, k in zip(zl, KERNELS):
            ds = data[k, 6.0]
            t = ds["time"].values
            x = np.asarray(ln.get_xdata())
            window = (t >= t0 + x[0] / FS - 1) & (t <= t0 + x[-1] / FS + 1)
            np.testing.assert_allclose(ln.get_ydata(), ds["v_rel"].values[window], rtol=0, atol=0)
        fastest = min(oscillations(data[k, 6.0]["time"].values, data[k, 6.0]["v_rel"].values)[1] for k in KERNELS)
        assert ax.get_xlim()[1] == pytest.approx(ZOOM_PERIODS * fastest / 41.341373, rel=1e-6)


def test_fig4_gaussian_pulse_draws_curves_not_envelopes(runs, tmp_path):
    data = _velocities(runs.gauss, "parallel")
    fig = plot_velocities(data, 4, [tmp_path / "f.png"], list(KERNELS), [6.0])
    assert len(fig.axes) == 1  # V_r does not oscillate: no envelopes, no zoom rows
    lines = _kernel_lines(fig.axes[0])
    assert len(lines) == 3
    for ln, k in zip(lines, KERNELS):
        np.testing.assert_array_equal(ln.get_ydata(), data[k, 6.0]["v_rel"].values)


def test_fig1_marks_d_eq_in_legend_and_lines(runs, tmp_path):
    dss = [read_result(runs.res / f"equilibrium/{k}/rs6.nc") for k in ("mcp07", "rpa")]
    fig = plot_potential(dss, [tmp_path / "f.png"])
    ax_u, ax_f = fig.axes
    labels = [t.get_text() for t in ax_u.get_legend().get_texts()]
    for ds, label in zip(dss, labels):
        assert f"{float(ds['d_eq']):.3f}" in label
        for ax in (ax_u, ax_f):
            xs = [ln.get_xdata()[0] for ln in ax.get_lines() if len(ln.get_xdata()) == 2]
            assert any(x == float(ds["d_eq"]) for x in xs)  # the vertical d_eq line
    curves = [ln for ln in ax_u.get_lines() if len(ln.get_xdata()) > 10]
    np.testing.assert_allclose(curves[0].get_ydata(), 1e3 * dss[0]["U"].values)


def test_chi_map_figure_draws_the_loss(runs, tmp_path):
    maps = [read_result(runs.res / f"chi/{k}/rs6_map.nc") for k in KERNELS]
    fig = plot_chi_map(maps, [tmp_path / "f.png"])
    panels = [ax for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]
    assert len(panels) == 3
    for ax, ds in zip(panels, maps):
        image = ax.images[0]
        loss = ds["loss"].values.T
        drawn = np.ma.filled(image.get_array(), np.nan)
        np.testing.assert_array_equal(np.where(loss > 0, loss, np.nan), drawn)
        # one pixel per (q, omega) point of the map, centred on it
        q, w = ds["q_over_kF"].values, ds["omega_over_omega_p"].values
        left, right, bottom, top = image.get_extent()
        assert image.origin == "lower" and drawn.shape == (len(w), len(q))
        assert (left + right) / 2 == pytest.approx((q[0] + q[-1]) / 2, rel=1e-12)
        assert (right - left) / len(q) == pytest.approx(q[1] - q[0], rel=1e-12)
        assert (top - bottom) / len(w) == pytest.approx(w[1] - w[0], rel=1e-12) and bottom < 0 < w[1]
        edges = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        assert len(edges) == 2
