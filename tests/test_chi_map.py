"""The chi^h(q, omega) maps: values against the closed-form RPA, the plasmon, the continuum, errors."""

from __future__ import annotations

import numpy as np
import pytest

from viscous_forces.core.dyson import dielectric
from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.kernels import get_kernel
from viscous_forces.core.lindhard import lindhard
from viscous_forces.io import parameters
from viscous_forces.stages.chi_map import chi_map, plasmon_dispersion

from conftest import data_scope
from oracles import lindhard_rpa_chi_mp, rpa_condition_number


@pytest.fixture(scope=data_scope)
def maps():
    return {(rs, k): chi_map(rs, k) for rs in (2.0, 10.0) for k in ("rpa", "mcp07", "rmcp07")}


@pytest.mark.parametrize("rs", [2.0, 10.0])
def test_rpa_map_against_closed_form(maps, rs):
    """Relative error <= 1e-10 x max(1, kappa) at random points (measured max 4.4e-12; kappa is the
    condition number of Eq. (15), ~1e3 on the plasmon)."""
    ds = maps[rs, "rpa"]
    rng = np.random.default_rng(int(rs))
    i, j = rng.integers(0, ds.sizes["q"], 300), rng.integers(1, ds.sizes["omega"], 300)
    q, w = ds["q"].values[i], ds["omega"].values[j]
    ref = lindhard_rpa_chi_mp(q, w, rs)
    err = np.abs(ds["chi"].values[i, j] - ref) / np.abs(ref)
    assert np.max(err / np.maximum(1.0, rpa_condition_number(q, ref))) < 1e-10


def test_map_grid_and_labels(maps):
    ds = maps[2.0, "rmcp07"]
    gas = ElectronGas(2.0)
    assert ds["chi"].dims == ("q", "omega") and ds.sizes["q"] >= 300 and ds.sizes["omega"] >= 300
    assert ds["q"].values[0] > 0 and ds["q"].values[-1] == pytest.approx(3 * gas.kF, rel=1e-15)
    assert ds["omega"].values[0] == 0 and ds["omega"].values[-1] == pytest.approx(2 * gas.omega_p, rel=1e-15)
    np.testing.assert_allclose(ds["q_over_kF"].values * gas.kF, ds["q"].values, rtol=1e-15)
    np.testing.assert_allclose(ds["omega_over_omega_p"].values * gas.omega_p, ds["omega"].values, rtol=1e-15)
    loss = -(4 * np.pi / ds["q"].values[:, None] ** 2) * ds["chi"].values.imag
    np.testing.assert_allclose(ds["loss"].values, loss, rtol=1e-15)
    assert ds.attrs["stage"] == "chi_map" and ds.attrs["kernel"] == "rmcp07"


@pytest.mark.parametrize("rs", [2.0, 10.0])
def test_rpa_plasmon_small_q_dispersion(rs):
    """omega_pl^2 = omega_p^2 + (3/5) v_F^2 q^2 + O(q^4) (Giuliani & Vignale Eq. 4.37)."""
    gas = ElectronGas(rs)
    q = np.array([0.02, 0.04]) * gas.kF
    w = plasmon_dispersion(q, rs, "rpa")
    x2 = (q * gas.kF / gas.omega_p) ** 2  # (q v_F/omega_p)^2, v_F = k_F
    rel = w / (gas.omega_p * np.sqrt(1 + 0.6 * x2)) - 1
    # the next term is O(x2^2): measured rel/x2^2 = 0.09 (rs 2), 0.31 (rs 10), ratio 15.994-16.001
    assert np.all(np.abs(rel) < 2 * x2**2) and abs(rel[1] / rel[0]) == pytest.approx(16, rel=0.02)


def test_static_kernels_have_no_loss_outside_the_continuum_the_dynamic_one_does(maps):
    for k in ("rpa", "mcp07"):
        ds = maps[10.0, k]
        outside = ds["omega"].values[None, :] > ds["continuum_upper"].values[:, None] * (1 + 1e-9)
        assert np.all(ds["loss"].values[outside] == 0)
    ds = maps[10.0, "rmcp07"]
    outside = ds["omega"].values[None, :] > ds["continuum_upper"].values[:, None] * (1 + 1e-9)
    assert np.all(ds["loss"].values[outside] > 0)  # the viscous kernel damps the plasmon


def test_plasmon_is_a_zero_of_re_epsilon_and_enters_the_continuum(maps):
    ds = maps[2.0, "mcp07"]
    w = ds["plasmon_omega"].values
    inside = np.isnan(w)
    assert not inside[0] and inside[-1]  # defined at small q, gone inside the continuum at 3 k_F
    first_nan = np.argmax(inside)
    assert np.all(inside[first_nan:])  # once in the continuum it stays there
    assert np.all(w[~inside] > ds["continuum_upper"].values[~inside])
    q = ds["q"].values[~inside]
    eps = dielectric(lindhard(q, w[~inside], ElectronGas(2.0).kF), q, get_kernel("mcp07")(q, w[~inside], 2.0))
    assert np.max(np.abs(eps.real)) < 6e-12  # measured 5.8e-13 (steep Re epsilon next to the continuum)


def test_bad_map_arguments():
    with pytest.raises(ValueError, match="n_q, n_omega >= 2"):
        chi_map(2.0, "rpa", n_q=1)
    with pytest.raises(ValueError, match="positive extents"):
        chi_map(2.0, "rpa", q_max=0.0)


#: The map's interface: variable -> (dims, units).
MAP_INTERFACE = {
    "chi": (("q", "omega"), "1/(hartree*bohr**3)"),
    "loss": (("q", "omega"), "1"),
    "plasmon_omega": (("q",), "hartree"),
    "continuum_lower": (("q",), "hartree"),
    "continuum_upper": (("q",), "hartree"),
    "q": (("q",), "1/bohr"),
    "omega": (("omega",), "hartree"),
    "q_over_kF": (("q",), "1"),
    "omega_over_omega_p": (("omega",), "1"),
}


def test_map_interface_edges_and_parameters():
    """Every variable's dims, units and description; the continuum edges max(0, q^2/2 - q k_F) and
    q^2/2 + q k_F (Giuliani & Vignale Sec. 4.4); kernel parameters reach chi, the plasmon and the record."""
    params = {"c_prime": 2.0}
    ds = chi_map(2.0, "rmcp07", params=params, n_q=12, n_omega=6)
    assert set(ds.data_vars) | set(ds.coords) == set(MAP_INTERFACE)
    for name, (dims, unit) in MAP_INTERFACE.items():
        assert ds[name].dims == dims and ds[name].attrs["units"] == unit, name
        assert ds[name].attrs["long_name"], name
    gas = ElectronGas(2.0)
    q = ds["q"].values
    np.testing.assert_allclose(q, 3 * gas.kF * np.arange(1, 13) / 12, rtol=1e-15)
    np.testing.assert_allclose(ds["omega"].values, 2 * gas.omega_p * np.arange(6) / 5, rtol=1e-15, atol=0)
    lower, upper = ds["continuum_lower"].values, ds["continuum_upper"].values
    np.testing.assert_allclose(upper, q**2 / 2 + q * gas.kF, rtol=1e-15)
    assert np.all(lower[q <= 2 * gas.kF] == 0)
    np.testing.assert_allclose(lower[q > 2 * gas.kF], (q**2 / 2 - q * gas.kF)[q > 2 * gas.kF], rtol=1e-15)
    full = get_kernel("rmcp07").params(**params)
    np.testing.assert_array_equal(ds["plasmon_omega"].values, plasmon_dispersion(q, 2.0, "rmcp07", **full))
    default = chi_map(2.0, "rmcp07", n_q=12, n_omega=6)
    assert not np.allclose(ds["chi"].values, default["chi"].values, rtol=1e-6)
    assert not np.allclose(ds["plasmon_omega"].values[:1], default["plasmon_omega"].values[:1], rtol=1e-9)
    assert parameters(ds) == {"rs": 2.0, "kernel": "rmcp07", "kernel_params": full, "map": [3.0, 2.0, 12, 6]}
    assert ds.attrs["kernel_label"] == get_kernel("rmcp07").label


def test_chi_dataarray_labels_values_and_parameters():
    """The labelled chi^h on any grid: dims, coordinates with units, values of chi_h, parameters."""
    from viscous_forces.core.dyson import chi_h
    from viscous_forces.stages.chi import chi_dataarray

    q, w = np.array([[0.5, 1.0], [1.5, 2.0]]), [0.0, 0.3, 0.6]  # q is flattened
    da = chi_dataarray(q, w, 4.0)
    assert da.name == "chi" and da.dims == ("q", "omega") and da.shape == (4, 3)
    assert da.attrs["kernel"] == "rpa" and da.attrs["rs"] == 4.0 and da.attrs["units"] == "1/(hartree*bohr**3)"
    assert da.attrs["long_name"].startswith("interacting density response chi^h(q, omega), RPA")
    assert da["q"].attrs == {"units": "1/bohr", "long_name": "wave vector q"}
    assert da["omega"].attrs == {"units": "hartree", "long_name": "frequency omega"}
    np.testing.assert_array_equal(da["q"].values, q.ravel())
    np.testing.assert_array_equal(da.values, chi_h(q.ravel()[:, None], np.array(w)[None, :], 4.0, "rpa"))
    da = chi_dataarray(q, w, 4.0, "rmcp07", c_prime=2.0)
    assert da.attrs["kernel_c_prime"] == 2.0 and da.attrs["kernel_a"] == get_kernel("rmcp07").defaults["a"]
    np.testing.assert_array_equal(
        da.values, chi_h(q.ravel()[:, None], np.array(w)[None, :], 4.0, "rmcp07", c_prime=2.0)
    )
    assert not np.allclose(da.values, chi_dataarray(q, w, 4.0, "rmcp07").values, rtol=1e-6)


def test_map_argument_limits():
    """Two points per axis and any positive extent are enough; zero extents and single points are refused."""
    ds = chi_map(2.0, "rpa", q_max=0.5, omega_max=0.5, n_q=2, n_omega=2)
    assert ds.sizes == {"q": 2, "omega": 2}
    for bad in ({"n_omega": 1}, {"omega_max": 0.0}, {"q_max": -1.0}):
        with pytest.raises(ValueError, match="chi map needs n_q, n_omega >= 2 and positive extents"):
            chi_map(2.0, "rpa", **bad)


@pytest.mark.parametrize("rs", [2.0, 10.0])
def test_rpa_plasmon_against_the_zero_in_30_digits(rs):
    """The RPA plasmon against the zero of Re epsilon found in 30-digit arithmetic, including where it
    has entered the continuum (NaN). Measured 5.8e-14 relative (tolerance 6e-13)."""
    from oracles import rpa_plasmon_mp

    q = np.array([0.05, 0.2, 0.5, 0.7, 0.9, 1.2]) * ElectronGas(rs).kF
    np.testing.assert_allclose(plasmon_dispersion(q, rs, "rpa"), rpa_plasmon_mp(q, rs), rtol=6e-13, equal_nan=True)
