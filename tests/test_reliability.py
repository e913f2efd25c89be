"""Hostile inputs: every bad configuration refused before any job, inputs that must belong together
checked, nothing wrong written.  Each case asserts the exact message a user sees.

The configuration cases call viscous_forces.config.validate (what the Snakefile calls) with the
repository's schema; a few dry runs show that the workflow refuses them before any job.
"""

from __future__ import annotations

import copy
import errno
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from viscous_forces.config import load_schema, rs_label, short, validate
from viscous_forces.core.dyson import chi_h
from viscous_forces.core.frequency_grids import FrequencySpec
from viscous_forces.core.impurity import get_impurity
from viscous_forces.core.kernels import get_kernel
from viscous_forces.core.quadrature import GridSpec
from viscous_forces.io import read_result, write_dataset
from viscous_forces.resources import job_bytes, job_mb
from viscous_forces.stages.chi import compute_chi
from viscous_forces.stages.equilibrium import compute_equilibrium
from viscous_forces.stages.kernel import tabulate_kernel
from viscous_forces.stages.response import solve_response

from conftest import data_scope
from workflow_helpers import REPO, TINY_CONFIG, planned_jobs, planned_outputs, run_snakemake, write_config

SCHEMA = load_schema(REPO / "workflow" / "schemas" / "config.schema.yaml")
TINY = yaml.safe_load(TINY_CONFIG.read_text())
PAPER = yaml.safe_load((REPO / "config.yaml").read_text())
PAPER_GRIDS = {"grid": PAPER["grid"], "frequency": PAPER["frequency"]}
GRID = GridSpec(q_max_static=60, q_max_dynamic=20, panel_width=0.5, d_max=10, n_gl=8, grading_levels=8)
FREQ = FrequencySpec(omega_max=0.3, omega_min=1e-5, points_per_decade=4)


def config(**changes):
    """The tiny configuration with top-level keys replaced (a deep copy)."""
    cfg = copy.deepcopy(TINY)
    cfg.update(copy.deepcopy(changes))
    return cfg


def problems(cfg) -> str:
    with pytest.raises(ValueError) as err:
        validate(cfg, SCHEMA)
    text = str(err.value)
    assert text.startswith("invalid configuration:\n  ")
    return text


# --------------------------------------------------------------------------------------------
# r_s identity
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rs", [2, 2.5, 6.00000001, 1.2345678, 0.1 + 0.2, 1e-3])
def test_rs_labels_read_back_exactly(rs):
    assert float(rs_label(rs)) == rs


def test_close_rs_values_are_two_chains_and_equal_ones_are_refused():
    cfg = validate(config(rs=[6, 6.00000001], plot={**TINY["plot"], "fig1_rs": 6}), SCHEMA)
    assert [rs_label(r) for r in cfg["rs"]] == ["6", "6.00000001"]
    text = problems(config(rs=[6, 6.0]))
    assert "rs = [6, 6.0] is invalid: it has repeated values" in text


# --------------------------------------------------------------------------------------------
# numbers, names, nulls, keys
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"rs": [float("nan")]}, "rs[0] = nan is invalid: numbers must be finite"),
        (
            {"pulse": {**TINY["pulse"], "duration": float("inf")}},
            "pulse.duration = inf is invalid: numbers must be finite",
        ),
        (
            {"grid": {**TINY["grid"], "q_max_static": float("nan")}},
            "grid.q_max_static = nan is invalid: numbers must be finite",
        ),
        (
            {"extra_impurities": ["h2\n"]},
            "extra_impurities[0] = 'h2\\n' is invalid: control characters (newline, tab) are not allowed",
        ),
        ({"kernels": ["rpa\n"]}, "kernels[0] = 'rpa\\n' is invalid: control characters"),
    ],
)
def test_non_finite_numbers_and_control_characters_are_refused(changes, message):
    assert message in problems(config(**changes))


def test_numbers_written_as_strings_are_explained():
    text = problems(config(frequency={**TINY["frequency"], "omega_min": "1e-5"}))
    assert "frequency.omega_min = '1e-5' is a string, not a number" in text and "write 1.0e-5" in text
    text = problems(config(grid={**TINY["grid"], "n_gl": "8"}))
    assert "grid.n_gl = '8' is a string, not a number: remove the quotes" in text


def test_null_kernel_parameters_mean_the_defaults():
    cfg = validate(config(kernel_params={**TINY["kernel_params"], "rmcp07": None}), SCHEMA)
    assert cfg["kernel_params"]["rmcp07"] == dict(get_kernel("rmcp07").defaults)


def test_pulse_durations_take_numbers_and_strings_as_keys():
    cfg = validate(config(pulse={**TINY["pulse"], "durations": {6: 1e5}}), SCHEMA)
    assert cfg["pulse"]["durations"] == {"6": 1e5}
    cfg = validate(config(pulse={**TINY["pulse"], "durations": {"6.0": 2e5}}), SCHEMA)
    assert cfg["pulse"]["durations"] == {"6": 2e5}
    assert "pulse.durations: key 7 is not one of rs = [6]" in problems(
        config(pulse={**TINY["pulse"], "durations": {7: 1e5}})
    )


def test_out_of_range_kernel_constant_is_refused_by_name():
    text = problems(config(kernel_params={**TINY["kernel_params"], "rmcp07": {"c_prime": 1e-300}}))
    assert (
        "kernel_params.rmcp07.c_prime = 1e-300 is invalid: it is out of range or of the wrong type (allowed: >= 0.001"
        in text
    )
    with pytest.raises(
        ValueError, match=r"kernel 'rmcp07': parameter c_prime must be finite and > 0 in \[0.001, 1000\], got 1e-300"
    ):
        get_kernel("rmcp07").params(c_prime=1e-300)


def test_duplicated_impurity_is_refused():
    text = problems(config(impurity="h2", extra_impurities=["h2", "d2"]))
    assert "extra_impurities[0] = 'h2' is the impurity itself (impurity = 'h2'); list only other impurities" in text
    # the same nuclei given explicitly are the same impurity
    explicit = {"Z1": 1.0, "Z2": 1.0, "M1": 1836.15267, "M2": 1836.15267}
    assert "extra_impurities[0] = 'h2' is the impurity itself" in problems(
        config(impurity=explicit, extra_impurities=["h2"])
    )
    assert "extra_impurities = ['d2', 'd2'] is invalid: it has repeated values" in problems(
        config(extra_impurities=["d2", "d2"])
    )


def test_alias_bomb_is_refused_quickly_with_a_short_message():
    level = ["x"]
    for _ in range(30):  # 2^30 leaves if expanded
        level = [level, level]
    text = problems(config(rs=level))
    assert "the configuration expands to more than 20000 entries (a YAML alias bomb?)" in text
    assert len(text) < 400


def test_long_values_are_shortened_in_messages():
    text = problems(config(kernels=["nosuch" * 1000]))
    assert len(text) < 1000 and "..." in text
    assert len(short(list(range(10**6)))) < 80


def test_schema_bounds_are_numbers():
    """Every minimum/maximum of the schema is a number (YAML reads 1e7 as a string)."""

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                    assert isinstance(v, (int, float)), (path, k, v)
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for v in node:
                walk(v, path)

    walk(SCHEMA, "schema")


# --------------------------------------------------------------------------------------------
# resources
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, what",
    [
        (
            {"grid": {**TINY["grid"], "q_max_static": 10000, "panel_width": 0.001, "n_gl": 64}},
            "tabulate_kernel at rs = 6 would need about",
        ),
        ({"equilibrium": {**TINY["equilibrium"], "d_step": 1e-9}}, "find_equilibrium at rs = 6 would need about"),
        ({"rs": [0.01], "plot": {**TINY["plot"], "fig1_rs": 0.01}, **PAPER_GRIDS}, "at rs = 0.01 would need about"),
        (
            {"chi_map": {"n_q": 2000, "n_omega": 2000}, "resources": {"max_memory_gb": 0.5}},
            "compute_chi_map would need about 0.7 GB",
        ),
    ],
)
def test_resource_preflight_refuses_what_would_not_fit(changes, what):
    changes = dict(changes)  # the parameter is shared between runs of the test
    limit = changes.pop("resources", {"max_memory_gb": 4})
    text = problems(config(**changes, resources=limit))
    assert what in text and f"GB (> resources.max_memory_gb = {limit['max_memory_gb']:.1f} GB)" in text
    assert "raise resources.max_memory_gb" in text


def test_lowest_frequency_is_bounded():
    text = problems(config(frequency={**TINY["frequency"], "omega_min": 1e-300}))
    assert "frequency.omega_min = 1e-300 is invalid" in text and ">= 1e-12" in text


def test_memory_estimates_cover_the_measured_peaks():
    """Peak RSS of the stage functions (paper grids, r_s = 2; measured in a fresh interpreter with
    resource.getrusage): tabulate_kernel 115 MB, compute_chi 142 MB, find_equilibrium 328 MB,
    solve_response 167 MB; compute_chi_map (300 x 300 points, /usr/bin/time) 128 MB.  The estimates must
    not be below them, nor far above."""
    cfg = validate(copy.deepcopy(PAPER), SCHEMA)
    measured = {"tabulate_kernel": 115e6, "compute_chi": 142e6, "find_equilibrium": 328e6, "solve_response": 167e6}
    assert 128e6 <= job_bytes("compute_chi_map", cfg) <= 2.0 * 128e6
    for rule, peak in measured.items():
        assert peak <= job_bytes(rule, cfg, 2.0) <= 2.0 * peak, rule


# --------------------------------------------------------------------------------------------
# stage inputs that must belong together
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope=data_scope)
def chains():
    out = {}
    for kernel, rs in (("rpa", 6.0), ("mcp07", 6.0), ("rpa", 2.0)):
        chi = compute_chi(tabulate_kernel(rs, kernel, None, GRID, FREQ))
        out[(kernel, rs)] = (chi, compute_equilibrium(chi, d_max=GRID.d_max, d_step=0.1))
    return out


def test_response_refuses_chi_and_equilibrium_of_another_kernel_or_rs(chains):
    hd = get_impurity("hd")
    chi, _ = chains[("rpa", 6.0)]
    with pytest.raises(ValueError) as err:
        solve_response(chi, chains[("mcp07", 6.0)][1], hd, "parallel")
    assert str(err.value) == (
        "equilibrium dataset (kernel mcp07, rs 6.0) was not made from chi dataset (kernel rpa, "
        "rs 6.0); they differ in kernel: 'rpa' vs 'mcp07'"
    )
    with pytest.raises(ValueError, match=r"they differ in rs: 6.0 vs 2.0"):
        solve_response(chi, chains[("rpa", 2.0)][1], hd, "parallel")


def test_files_are_checked_against_their_path(chains, tmp_path):
    chi, eq = chains[("rpa", 6.0)]
    good = write_dataset(eq, tmp_path / "results/tiny/equilibrium/rpa/rs6.nc")
    assert float(read_result(good)["d_eq"]) == float(eq["d_eq"])
    wrong = tmp_path / "results/tiny/equilibrium/mcp07/rs6.nc"
    wrong.parent.mkdir(parents=True)
    wrong.write_bytes(good.read_bytes())
    with pytest.raises(ValueError) as err:
        read_result(wrong)
    assert str(err.value) == f"{wrong}: the file records kernel = 'rpa', but its path says kernel = 'mcp07'"
    with pytest.raises(ValueError, match="was not made from"):  # and the names reach the stage messages
        solve_response(chains[("mcp07", 6.0)][0], read_result(good), get_impurity("hd"), "parallel")


def test_response_grid_guard_covers_both_geometries_and_names_a_passing_density(chains):
    chi, eq = chains[("rpa", 6.0)]
    for geometry in ("parallel", "perpendicular"):
        with pytest.raises(ValueError) as err:
            solve_response(chi, eq, get_impurity("hd"), geometry, density=0.1)
        text = str(err.value)
        assert text.startswith(
            f"frequency.response_density = 0.1 is too coarse for {geometry} rpa rs = 6: the estimated error of V(t) is "
        )
        needed = float(text.rsplit("use response_density >= ", 1)[1])
        ds = solve_response(chi, eq, get_impurity("hd"), geometry, density=needed)
        assert float(ds["time_error"]) <= 1e-4


def test_too_light_impurity_is_refused(chains):
    chi, eq = chains[("rpa", 6.0)]
    light = {"Z1": 1.0, "Z2": 1.0, "M1": 1e-3, "M2": 2e-3}
    with pytest.raises(ValueError, match=r"nuclei this light move on the electrons' time scale"):
        solve_response(chi, eq, get_impurity(light), "perpendicular")


def test_complex_frequencies_are_refused():
    with pytest.raises(ValueError, match=r"omega must be real \(Ha\)"):
        chi_h(1.0, 0.1 + 0.01j, 6.0, "rmcp07")


# --------------------------------------------------------------------------------------------
# what is written
# --------------------------------------------------------------------------------------------


def test_corruption_is_detected_with_the_file_name(chains, tmp_path):
    """16-byte corruptions at random places: a read either fails naming the file or returns the
    data unchanged (the bytes hit padding); measured 39 of 40 detected, 1 harmless."""
    chi, _ = chains[("rpa", 6.0)]
    path = write_dataset(chi, tmp_path / "results/tiny/chi/rpa/rs6.nc")
    ref = read_result(path)
    data = path.read_bytes()
    rng = np.random.default_rng(7)
    detected = 0
    for _ in range(20):
        off = int(rng.integers(0, len(data) - 16))
        path.write_bytes(data[:off] + rng.bytes(16) + data[off + 16 :])
        try:
            back = read_result(path)
        except ValueError as exc:
            assert str(path) in str(exc) and "delete it and rerun" in str(exc)
            detected += 1
            continue
        for name in ref.data_vars:
            np.testing.assert_array_equal(back[name].values, ref[name].values)
    assert detected >= 15


def test_full_disk_is_reported_as_such(chains, tmp_path, monkeypatch):
    import shutil

    chi, _ = chains[("rpa", 6.0)]

    def fail(*args, **kwargs):
        raise RuntimeError("NetCDF: HDF error")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", fail)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(OSError) as err:
        write_dataset(chi, tmp_path / "chi.nc")
    assert err.value.errno == errno.ENOSPC
    assert "no space left on the device of" in str(err.value) and "free some space and rerun" in str(err.value)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# the workflow refuses before any job
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"rs": [-2]},
            "rs[0] = -2 is invalid: it is out of range or of the wrong type (allowed: > 0, <= 100, type number)",
        ),
        ({"kernels": ["rmcp07", "nosuch"]}, "kernels: unknown kernel 'nosuch'; available: alda, mcp07, rmcp07, rpa"),
        (
            {"grids": {"n_gl": 8}},
            "config: unexpected key(s) 'grids' ('grids' -> did you mean 'grid'?); allowed keys: analysis, chi_map",
        ),
        (
            {"kernel_params": {"rmcp07": {"alpha": 1.0}}},
            "kernel_params.rmcp07: unexpected key(s) 'alpha'; allowed keys: a, b, c_prime, d, h",
        ),
        (
            {"kernel_params": {"rmcp07": {"h": "wrong"}}},
            "kernel_params.rmcp07.h = 'wrong' is invalid: it is out of range or of the wrong type (allowed: one of fit, exact",
        ),
        (
            {"grid": {"n_gl": 2}},
            "grid.n_gl = 2 is invalid: it is out of range or of the wrong type (allowed: >= 4, <= 64",
        ),
        ({"impurity": "xx"}, "impurity = 'xx' is invalid: it is not an allowed name"),
        ({"extra_impurities": ["hd", "he"]}, "extra_impurities[1] = 'he' is invalid: it is not an allowed name"),
        ({"pulse": {"shape": "ac"}}, "pulse.frequency must be set (Ha, > 0) for pulse.shape = ac"),
        ({"pulse": {"shape": "triangle"}}, "pulse.shape = 'triangle' is invalid"),
        ({"rs": [".nan"]}, "rs[0] = nan is invalid: numbers must be finite"),
        ({"pulse": {"duration": ".inf"}}, "pulse.duration = inf is invalid: numbers must be finite"),
        ({"equilibrium": {"d_step": 1e-9}}, "find_equilibrium at rs = 6 would need about"),
    ],
)
@pytest.mark.workflow
def test_workflow_stops_before_any_job(tmp_path, changes, message):
    cfg = write_config(tmp_path / "bad.yaml", **changes)
    text = Path(cfg).read_text().replace("'.nan'", ".nan").replace("'.inf'", ".inf")
    Path(cfg).write_text(text)
    proc = run_snakemake(tmp_path, "-n", configfile=cfg, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "invalid configuration" in out and message in out, out[-1500:]
    assert not (tmp_path / "results").exists()


@pytest.mark.workflow
def test_workflow_accepts_integer_keys_for_durations(tmp_path):
    cfg = tmp_path / "ok.yaml"
    cfg.write_text(TINY_CONFIG.read_text().replace("durations: {}", "durations: {6: 1.0e+5}"))
    assert "durations: {6: 1.0e+5}" in cfg.read_text()
    assert planned_jobs(run_snakemake(tmp_path, "-n", configfile=cfg))["derive_pulse"] == 1


@pytest.mark.workflow
def test_rules_ask_for_the_estimated_memory(tmp_path):
    """mem_mb of a job (what a SLURM profile requests) is the pre-flight estimate."""
    proc = run_snakemake(tmp_path, "-n", "-p", "results/tiny/equilibrium/rpa/rs6.nc")
    out = proc.stdout + proc.stderr
    block = out[out.index("rule find_equilibrium:") :]
    mem = int(block.split("mem_mb=", 1)[1].split(",", 1)[0])
    cfg = validate(copy.deepcopy(TINY), SCHEMA)
    assert mem == job_mb("find_equilibrium", cfg, 6.0) >= 300


# --------------------------------------------------------------------------------------------
# clusters
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clusters, message",
    [
        (
            {"x": {"preset": "hd", "angle": 30, "direction": [1, 0, 0]}},
            "clusters.x: a cluster takes 'direction' or 'angle', not both",
        ),
        (
            {"x": {"preset": "h3_triangle", "angle": 30}},
            "clusters.x: 'angle' sets the current direction of a linear cluster only",
        ),
        ({"x": {"preset": "h4"}}, "clusters.x.preset = 'h4' is invalid"),
        ({"x": {}}, "clusters.x: a cluster needs exactly one of 'preset' or 'nuclei'"),
        ({"x": {"preset": "hd", "direction": [0, 0, 0]}}, "clusters.x: cluster direction must be a non-zero 3-vector"),
        (
            {
                "x": {
                    "nuclei": [
                        {"Z": 1, "M": 1836, "position": [0, 0, 0]},
                        {"Z": 1, "M": 1836, "position": [0.01, 0, 0]},
                    ]
                }
            },
            "clusters.x: two nuclei of the cluster are 0.01 bohr apart",
        ),
        (
            {"x": {"nuclei": [{"Z": 1, "M": 1836, "position": [0, 0]}]}},
            "clusters.x.nuclei has 1 entry; at least 2 allowed",
        ),
        (
            {"x": {"nuclei": [{"Z": 1, "M": 1836, "position": [0, 0]}]}},
            "nuclei[0].position has 2 entries; exactly 3 allowed",
        ),
        ({"x": {"preset": "hd", "saddle": "ignore"}}, "clusters.x.saddle = 'ignore' is invalid"),
        ({"Bad-Name": {"preset": "hd"}}, "clusters = 'Bad-Name' is invalid: it is not an allowed name"),
    ],
)
def test_bad_cluster_entries_are_refused_before_any_job(clusters, message):
    assert message in problems(config(clusters=clusters))


def test_cluster_animation_must_show_a_computed_kernel_and_rs():
    text = problems(config(plot={**TINY["plot"], "cluster_rs": 4, "cluster_kernel": "alda"}))
    assert "plot.cluster_rs = 4 must be one of rs = [6]" in text
    assert "plot.cluster_kernel = 'alda' must be one of kernels = ['rmcp07', 'mcp07', 'rpa']" in text


# --------------------------------------------------------------------------------------------
# provenance: every input checked against the parameters that should have made it
# --------------------------------------------------------------------------------------------


def test_provenance_names_the_key_both_values_and_the_rule(tmp_path):
    from viscous_forces.provenance import DIGEST, ProvenanceError, check_input, stamping

    made = {"tabulate_kernel(kernel=rpa, rs=6)": {"grid": {"n_gl": 8}, "kernel_params": {}}}
    wanted = {"tabulate_kernel(kernel=rpa, rs=6)": {"grid": {"n_gl": 10}, "kernel_params": {}}}
    a = xr.Variable("x", np.arange(3.0), {"units": "bohr", "long_name": "a"})
    ds = xr.Dataset({"a": a}, coords={"x": ("x", np.arange(3.0), {"units": "1", "long_name": "x"})})
    with stamping(made):
        path = write_dataset(ds, tmp_path / "rs6.nc")
    assert DIGEST in xr.open_dataset(path).attrs
    check_input(path, made)  # the same parameters: accepted
    with pytest.raises(ProvenanceError) as err:
        check_input(path, wanted)
    assert str(err.value) == (
        f"{path} was made with grid.n_gl = 8, this run uses 10 (in tabulate_kernel(kernel=rpa, rs=6)): "
        "delete it or rerun with --forcerun tabulate_kernel"
    )
    rmcp = {"tabulate_kernel(kernel=rmcp07, rs=6)": {"kernel_params": {"h": "fit"}}}
    with stamping(rmcp):
        other = write_dataset(ds, tmp_path / "other.nc")
    with pytest.raises(ProvenanceError, match=r"made with kernel_params\.rmcp07\.h = 'fit', this run uses 'exact'"):
        check_input(other, {"tabulate_kernel(kernel=rmcp07, rs=6)": {"kernel_params": {"h": "exact"}}})
    plain = write_dataset(ds, tmp_path / "plain.nc")  # written outside a job: no provenance
    with pytest.raises(ProvenanceError, match="records no provenance"):
        check_input(plain, made)


@pytest.mark.workflow
def test_a_copied_intermediate_of_another_grid_is_refused(tmp_path):
    """A kernel file made with grid.n_gl = 8, copied over the n_gl = 10 run's own: the next stage refuses it."""
    target = "results/{run}/chi/rpa/rs6.nc"
    coarse = write_config(tmp_path / "coarse.yaml", run={"name": "coarse"})
    fine = write_config(tmp_path / "fine.yaml", run={"name": "fine"}, grid={"n_gl": 10})
    run_snakemake(tmp_path, target.format(run="coarse"), configfile=coarse)
    run_snakemake(tmp_path, target.format(run="fine"), configfile=fine)
    chi = tmp_path / target.format(run="fine")
    before = chi.read_bytes()
    kernel = tmp_path / "results/fine/kernel/rpa/rs6.nc"
    kernel.write_bytes((tmp_path / "results/coarse/kernel/rpa/rs6.nc").read_bytes())
    proc = run_snakemake(tmp_path, target.format(run="fine"), configfile=fine, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert (
        "results/fine/kernel/rpa/rs6.nc was made with grid.n_gl = 8, this run uses 10 "
        "(in tabulate_kernel(kernel=rpa, rs=6)): delete it or rerun with --forcerun tabulate_kernel" in out
    ), out[-3000:]
    assert not chi.exists() or chi.read_bytes() == before  # nothing made from the foreign file


@pytest.mark.workflow
def test_a_parameter_change_reruns_its_chain_without_snakemake_records(tmp_path):
    """With .snakemake/ gone, changing grid.n_gl still reruns the chain from tabulate_kernel."""
    import shutil

    target = "results/prov/chi/rpa/rs6.nc"
    first = write_config(tmp_path / "a.yaml", run={"name": "prov"})
    run_snakemake(tmp_path, target, configfile=first)
    shutil.rmtree(tmp_path / ".snakemake")
    assert planned_jobs(run_snakemake(tmp_path, "-n", target, configfile=first)) == {}
    second = write_config(tmp_path / "b.yaml", run={"name": "prov"}, grid={"n_gl": 10})
    planned = planned_jobs(run_snakemake(tmp_path, "-n", target, configfile=second))
    assert planned.get("tabulate_kernel") == 1 and planned.get("compute_chi") == 1, planned


# --------------------------------------------------------------------------------------------
# rough edges: each refused before any job with the key, the value and what is allowed
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plot, message",
    [
        (
            {"styles": {"rpa": "not a style"}},
            "plot.styles.rpa = 'not a style' is not a line style (allowed: '-', '--', '-.', ':', 'solid'",
        ),
        ({"colors": {"rpa": "notacolor"}}, "plot.colors.rpa = 'notacolor' is not a colour (allowed: a matplotlib"),
    ],
)
def test_bad_line_styles_and_colours_are_refused(plot, message):
    assert message in problems(config(plot={**TINY["plot"], **plot}))


def test_good_line_styles_and_colours_pass():
    validate(
        config(plot={**TINY["plot"], "styles": {"rpa": "-."}, "colors": {"rpa": "#0072B2", "mcp07": "0.5"}}), SCHEMA
    )


@pytest.mark.parametrize(
    "name, message",
    [
        ("a" * 300, "run.name = 'aaaa"),
        ("", "run.name = '' is empty"),
        ("figures", "run.name = 'figures' is a folder of the paper's run"),
        ("../up", "run.name = '../up' must be letters, digits"),
    ],
)
def test_bad_run_names_are_refused(name, message):
    text = problems(config(run={"name": name}))
    assert message in text
    if len(name) > 64:
        assert "is 300 characters long (at most 64)" in text and len(text) < 300


def test_run_name_comes_from_the_file_or_its_folder(tmp_path):
    from viscous_forces.config import run_name

    repo_config = REPO / "config.yaml"
    assert run_name(None, repo_config, repo_config) == ""
    assert run_name(None, None, repo_config) == ""
    (tmp_path / "gauss").mkdir()
    assert run_name(None, tmp_path / "gauss" / "config.yaml", repo_config) == "gauss"
    assert run_name(None, tmp_path / "rs4-fine.yaml", repo_config) == "rs4-fine"
    assert run_name("mine", tmp_path / "rs4-fine.yaml", repo_config) == "mine"
    with pytest.raises(ValueError, match=r"run\.name = '' is empty"):
        run_name("", repo_config, repo_config)


@pytest.mark.workflow
def test_a_config_yaml_elsewhere_runs_under_its_folder(tmp_path):
    elsewhere = tmp_path / "study"
    elsewhere.mkdir()
    cfg = write_config(elsewhere / "config.yaml", run={"name": None})
    outs = planned_outputs(run_snakemake(tmp_path, "-n", configfile=cfg))
    assert outs and all(o.startswith(("results/study/", "logs/study/")) for o in outs), sorted(outs)[:5]


def test_pulses_shorter_than_the_response_resolves_are_refused():
    text = problems(config(pulse={**TINY["pulse"], "duration": 1e-300}))
    assert "pulse.duration = 1e-300 a.u. of time is shorter than the shortest time the response resolves" in text
    assert "use a pulse of at least" in text
    text = problems(config(pulse={**TINY["pulse"], "durations": {"6": 1e-3}}))
    assert "pulse.durations" in text and "use a pulse of at least" in text


def test_statically_unstable_gas_is_refused_before_any_job_and_by_chi_map():
    from viscous_forces.stages.chi_map import chi_map

    text = problems(config(rs=[100], kernels=["mcp07", "rpa"], plot={**TINY["plot"], "fig1_rs": None}))
    assert "rs: r_s = 100 with kernel mcp07 is a statically unstable electron gas" in text
    assert "kernel rpa" not in text  # the RPA gas is stable at every density
    with pytest.raises(ValueError, match=r"static instability: .* \(kernel mcp07, rs = 100\)"):
        chi_map(100, "mcp07")


def test_read_only_results_are_named_plainly(tmp_path):
    from viscous_forces.run_names import check_writable

    blocked = tmp_path / "results"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(PermissionError) as err:
        check_writable(blocked)
    assert f"cannot write to {blocked}" in str(err.value) and "make it writable" in str(err.value)
    assert check_writable(tmp_path / "fresh") == tmp_path / "fresh"


def test_a_plain_netcdf_is_named_as_not_ours(tmp_path):
    path = tmp_path / "plain.nc"
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(path)
    with pytest.raises(ValueError) as err:
        read_result(path)
    assert "records no checksum" in str(err.value) and "not written by this workflow" in str(err.value)
    assert "mismatch" not in str(err.value)


def test_negative_pair_distance_is_refused():
    from viscous_forces.core.cluster.geometry import make_cluster

    with pytest.raises(ValueError, match=r"d_eq .* must be > 0 bohr, got -1.0"):
        make_cluster({"preset": "hd"}, -1.0)


def test_too_many_nuclei_names_the_limit():
    nuclei = [{"Z": 1, "M": 1836, "position": [2.0 * i, 0, 0]} for i in range(50)]
    assert "clusters.big.nuclei has 50 entries; at most 12 allowed" in problems(
        config(clusters={"big": {"nuclei": nuclei}})
    )


def test_tiny_densities_give_short_memory_figures():
    text = problems(config(rs=[1e-300], plot={**TINY["plot"], "fig1_rs": None}))
    assert "would need about 3.82e+298 GB" in text or "e+29" in text
    assert max(len(word) for word in text.split()) < 40, text[:400]


@pytest.mark.parametrize("changes", [{"rs": [4]}, {"kernels": ["rmcp07"]}, {"kernels": ["rpa"], "rs": [3]}])
def test_one_key_variants_of_the_paper_are_accepted(changes):
    cfg = copy.deepcopy(PAPER)
    cfg.update(changes)
    validate(cfg, SCHEMA)
    assert cfg["plot"]["fig1_rs"] == cfg["rs"][0]
    assert set(cfg["plot"]["fig1_kernels"]) <= set(cfg["kernels"])


@pytest.mark.parametrize(
    "text, hint",
    [("-1.0e5", "write -1.0e+5"), ("1.0e5", "write 1.0e+5"), ("2e-3", "write 2.0e-3"), ("1.5E7", "write 1.5e+7")],
)
def test_number_hints_keep_sign_and_value(text, hint):
    assert hint in problems(config(pulse={**TINY["pulse"], "duration": text}))


def test_unknown_keys_get_the_closest_allowed_key():
    assert "'grids' -> did you mean 'grid'?" in problems(config(grids={}))
    assert "'dpl' -> did you mean 'dpi'?" in problems(config(plot={**TINY["plot"], "dpl": 100}))


@pytest.mark.workflow
def test_a_partial_configuration_runs_beside_the_paper(tmp_path):
    """The recipe for a new kernel (README, "Adding a kernel"): a file with only the changed keys,
    read over config.yaml, plans every output under results/<stem>/ and none of the paper's."""
    import shutil

    shutil.copy2(REPO / "config.yaml", tmp_path / "config.yaml")
    study = tmp_path / "alda_study.yaml"
    study.write_text("kernels: [rmcp07, mcp07, rpa, alda]\n")
    outs = planned_outputs(run_snakemake(tmp_path, "-n", configfile=study))
    assert "results/alda_study/figures/fig2.png" in outs and "results/alda_study/kernel/alda/rs6.nc" in outs
    assert all(o.startswith("results/alda_study/") for o in outs), sorted(o for o in outs if "alda_study" not in o)[:5]
