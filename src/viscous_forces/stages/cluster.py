"""Stage ``simulate_cluster``: any cluster of nuclei under a current pulse (docs/theory.md, "Clusters").

From the chi and equilibrium datasets of one (kernel, r_s): relax the cluster to a minimum of its
static energy, evaluate the J integrals and friction coefficients at every pair distance, solve the
3N x 3N frequency-domain system on a grid that resolves every mode (refusing a grid whose V(t)
error estimate exceeds the bound), find the modes from the poles, and transform to V_a(t) for the
pulse, with the Markov (constant-friction) solution alongside.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict

import numpy as np
import xarray as xr

from .. import units
from ..core.cluster import (
    cluster_dc_limit,
    cluster_markov_model,
    cluster_modes,
    cluster_state_matrix,
    harmonic_frequencies,
    make_cluster,
    pair_distances,
    projected_hessian,
    relax,
    resolved_distance,
    solve_cluster,
)
from ..core.electron_gas import ElectronGas
from ..core.frequency_domain import direct_field_sign
from ..core.frequency_grids import MAX_TIME_ERROR, required_density, response_frequency_grid
from ..core.pulses import Pulse, RectangularPulse
from ..core.quadrature import GridSpec
from ..core.statics import pair_statics
from ..core.time_domain import StepResponse, pulse_response, step_response_error
from ..io import parameters
from .cluster_terms import ClusterTerms
from .common import check_derived, require_stage, scalar, stage_attrs, var
from .response import SCALE_SEPARATION
from .velocity import TimeSpec, time_grid

XYZ = ["x", "y", "z"]


def _plain(obj):
    """``obj`` with numpy arrays and scalars replaced by lists and Python numbers (a JSON record)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def simulate_cluster(
    chi_ds: xr.Dataset,
    eq_ds: xr.Dataset,
    spec: Mapping,
    name: str,
    pulse: Pulse | float,
    direct_field: str = "printed",
    density: float = 1.0,
    max_time_error: float = MAX_TIME_ERROR,
    time: TimeSpec | None = None,
    omega: np.ndarray | None = None,
) -> xr.Dataset:
    r"""Relaxed geometry, modes and velocities of a cluster of nuclei under a current pulse.

    Solves, at every frequency of a grid that resolves the modes, the equations of motion of
    docs/theory.md, "Clusters",

    .. math::

        -\omega M_a V_a + \sum_g \tilde C_{ag}(\omega)\,(V_g - \mathbf e) + \frac1\omega\sum_b H_{ab}V_b
            = -\sigma\,\omega Z_a\,\mathbf e,

    with the projected Hessian H of the relaxed geometry, and superposes the step responses of the
    Cartesian components for the pulse (docs/theory.md, "Time domain"; Eq. (14) for the rectangular
    pulse).

    Parameters
    ----------
    chi_ds, eq_ds : xarray.Dataset
        Outputs of :func:`~viscous_forces.stages.chi.compute_chi` and of
        :func:`~viscous_forces.stages.equilibrium.compute_equilibrium` made from it (the pair d_eq is
        the length unit of the presets).
    spec : mapping
        Cluster entry of the configuration (:func:`viscous_forces.core.cluster.make_cluster`).
    name : str
        Cluster name (in messages and attributes).
    pulse : Pulse or float
        Current pulse, or T (a.u. of time) of the rectangular pulse of Eq. (14).
    direct_field : {"printed", "derived"}
        Sign of the direct-field terms (docs/theory.md, "Deviations from the paper").
    density : float
        Scale of the number of frequencies of V(omega).
    max_time_error : float
        Largest accepted estimate of the discretisation error of V(t) (units of j0/n).
    time : TimeSpec, optional
        Time window and sampling.
    omega : ndarray, optional
        Frequencies (Ha, increasing, from 0) of V(omega) instead of the grid built from the modes (to
        compare with another solution on the same grid); its error is then estimated against every
        second point.

    Returns
    -------
    xarray.Dataset
        Stage ``cluster``, units in pint spelling as stored (``1`` = dimensionless):

        * on ``nucleus``: ``Z`` (``elementary_charge``), ``M`` (``electron_mass``);
        * on (``nucleus``, ``xyz``): ``initial_positions`` and ``positions`` (``bohr``; relaxed,
          centroid fixed);
        * on ``xyz``: ``direction`` (``1``, unit vector of the current);
        * scalars: ``energy`` (``hartree``, the static energy of the relaxed geometry),
          ``max_force`` (``hartree/bohr``, largest residual force), ``time_error`` (``1``, in
          units of j0/n), ``density`` (``1/bohr**3``, the electron density n);
        * on ``internal_mode``: ``curvature`` (``hartree/bohr**2``, internal Hessian eigenvalues),
          ``harmonic_frequency`` (``hartree``);
        * on ``mode`` (the poles): ``mode_frequency`` (``hartree``), ``mode_rate``
          (``1/atomic_unit_of_time``), ``mode_kind`` (``1``: translation, rotation or vibration),
          and on (``mode``, ``nucleus``, ``xyz``) ``mode_pattern`` (``1``, complex velocity pattern,
          unit norm);
        * on ``markov_mode``: ``markov_rate`` (``1/atomic_unit_of_time``), ``markov_frequency``
          (``hartree``);
        * on (``omega``, ``nucleus``, ``xyz``): ``response`` (``1``, complex V_a(omega) per unit
          drift velocity);
        * on (``time``, ``nucleus``, ``xyz``): ``velocity`` and ``velocity_markov`` (``1``, in units
          of j0/n, with ``units_description``), ``displacement`` (``atomic_unit_of_time``: the
          displacement from the equilibrium position per unit drift velocity; multiply by j0/n in
          bohr/atomic_unit_of_time for bohr);
        * on (``time``, ``xyz``): ``v_cm`` (``1``, centre-of-mass velocity in units of j0/n);
        * on ``time``: ``pulse`` (``1``, j(t)/j0).

        Coordinates: ``nucleus`` (1..N), ``xyz`` (x, y, z), ``time`` (``atomic_unit_of_time``),
        ``omega`` (``hartree``), ``mode``, ``markov_mode``, ``internal_mode`` (indices).
        Attributes: provenance (the parameter record adds ``cluster``, ``direct_field``,
        ``response_density``, ``max_time_error``, ``pulse`` and ``time``), ``stage``, ``rs``,
        ``kernel``, ``kernel_label``, ``cluster``, ``saddle_curvatures`` (JSON list,
        ``hartree/bohr**2``) of the saddle points the relaxation left (``saddle: descend``),
        ``pulse_duration`` (with ``pulse_duration_units``), ``pulse_shape``.

    Raises
    ------
    ValueError
        If the relaxation fails (:func:`~viscous_forces.core.cluster.relax`), two nuclei are farther
        apart than the q grids resolve (:func:`~viscous_forces.core.cluster.resolved_distance`), a
        nuclear time scale is not below ``omega_max``/:data:`~viscous_forces.stages.response.SCALE_SEPARATION`,
        a Markov mode does not decay, or the estimated error of V(t) exceeds ``max_time_error``.
    """
    require_stage(chi_ds, "chi")
    require_stage(eq_ds, "equilibrium")
    check_derived(chi_ds, eq_ds)
    sigma = direct_field_sign(direct_field)
    if not isinstance(pulse, Pulse):
        pulse = RectangularPulse(float(pulse))
    time = time or TimeSpec()
    rs = float(chi_ds.attrs["rs"])
    gas = ElectronGas(rs)
    record_chi = parameters(chi_ds)
    d_eq = float(eq_ds["d_eq"])
    qs, ws, chi0 = (chi_ds[k].values for k in ("q_static", "weight_static", "chi_static"))

    def statics(d):
        return pair_statics(d, qs, ws, chi0)

    initial = make_cluster(spec, d_eq)
    relaxed = relax(
        initial,
        statics,
        name=f"cluster {name} ({chi_ds.attrs['kernel']}, rs = {rs:g})",
        saddle=spec.get("saddle", "refuse"),
    )
    cl = relaxed.cluster
    N = cl.size
    grid = GridSpec(**record_chi["grid"])
    reach = resolved_distance(grid.h_max(gas.kF), grid.n_gl)
    d_pairs = pair_distances(cl.positions)[2]
    if d_pairs.max() > reach:
        raise ValueError(
            f"cluster {name} at rs = {rs:g}: nuclei {d_pairs.max():.2f} bohr apart, beyond the {reach:.2f} bohr the "
            f"q grids resolve (panels of {grid.h_max(gas.kF):.3g} bohr^-1, {grid.n_gl} Gauss-Legendre nodes); raise "
            f"grid.d_max above {d_pairs.max():.1f} or grid.n_gl"
        )
    H = projected_hessian(relaxed.statics.hessian, cl.positions)
    harmonic = harmonic_frequencies(H, cl.M, cl.positions)
    terms = ClusterTerms(chi_ds, cl)
    Q = terms.friction()
    markov = cluster_markov_model(Q, H, cl.M, cl.Z, cl.positions, cl.direction, sigma)
    lam = markov.eigenvalues
    rates = np.sort(-lam.real)
    omega_max = record_chi["frequency"]["omega_max"] * gas.omega_p
    oscillating = [(abs(x.imag), -x.real) for x in lam if x.imag > 0]
    fastest = max(float(rates.max()), max((w for w, _ in oscillating), default=0.0))
    if not fastest < omega_max / SCALE_SEPARATION:
        raise ValueError(
            f"cluster {name} at rs = {rs:g}: its fastest nuclear time scale, {fastest:.3g} Ha, is not below "
            f"frequency.omega_max/{SCALE_SEPARATION:g} = {omega_max / SCALE_SEPARATION:.3g} Ha: nuclei this light "
            "move on the electrons' time scale"
        )
    if np.any(rates <= 0):
        raise ValueError(f"cluster {name} at rs = {rs:g}: a Markov mode does not decay (rates {rates.tolist()})")

    def response_on(omega):
        out = np.empty((omega.size, N, 3), complex)
        out[0] = cluster_dc_limit(N, cl.direction)
        out[1:] = solve_cluster(omega[1:], terms.tensor(omega[1:]), H, cl.M, cl.Z, cl.direction, cl.positions, sigma)
        return out

    if omega is None:
        omega = response_frequency_grid(rates, omega_max, density=density, resonances=oscillating)
        coarse = response_frequency_grid(rates, omega_max, density=density / 2, resonances=oscillating)
    else:
        omega = np.asarray(omega, dtype=float)
        if not (omega[0] == 0.0 and np.all(np.diff(omega) > 0) and omega[-1] <= terms.omega_j[-1]):
            raise ValueError(
                f"omega must increase from 0 to at most the largest J-grid frequency {terms.omega_j[-1]:.4g} Ha"
            )
        coarse = omega[::2]
    V_w = response_on(omega)
    t_check = np.linspace(0.0, 12.0 / float(rates.min()), 1201)[1:]
    G0 = cluster_dc_limit(N, cl.direction).ravel()
    time_error = step_response_error(
        omega, V_w.reshape(omega.size, -1), coarse, response_on(coarse).reshape(coarse.size, -1), G0, t_check
    )
    if not time_error <= max_time_error:
        raise ValueError(
            f"frequency.response_density = {density:g} is too coarse for cluster {name} ({chi_ds.attrs['kernel']}, "
            f"rs = {rs:g}): the estimated error of V(t) is {time_error:.1e} j0/n > frequency.max_time_error = "
            f"{max_time_error:g}; use response_density >= {required_density(density, time_error, max_time_error):g}"
        )
    modes = cluster_modes(
        lambda x: cluster_state_matrix(terms.tensor([x])[0], H, cl.M, cl.positions), markov, cl.positions
    )

    # time domain: step responses of every Cartesian component, superposed for the pulse
    k, dt = time_grid(pulse, time, max(harmonic, default=0.0))
    t = k * dt
    lags = np.arange(0, k[-1] - k[0] + 1)
    S = np.zeros((lags.size, 3 * N))
    S[1:] = StepResponse(omega, V_w.reshape(omega.size, -1), G0)(lags[1:] * dt)
    V = pulse_response(S, pulse, k, dt).reshape(t.size, N, 3)
    Vm = pulse_response(markov.step_response(lags * dt)[:, : 3 * N], pulse, k, dt).reshape(t.size, N, 3)
    from scipy.integrate import cumulative_trapezoid  # lazy: only this stage needs it

    disp = cumulative_trapezoid(V, t, axis=0, initial=0.0)
    v_cm = np.einsum("a,tai->ti", cl.M, V) / cl.M.sum()

    record = {
        **parameters(eq_ds),
        "cluster": {"name": name, **_plain(dict(spec))},
        "direct_field": direct_field,
        "response_density": density,
        "max_time_error": max_time_error,
        "pulse": {"shape": type(pulse).__name__, **asdict(pulse)},
        "time": asdict(time),
    }
    drift = {"units_description": units.DRIFT_VELOCITY}
    nuc_xyz = ("nucleus", "xyz")
    data = {
        "Z": var("nucleus", cl.Z, units.CHARGE, "nuclear charge"),
        "M": var("nucleus", cl.M, units.MASS, "nuclear mass"),
        "initial_positions": var(nuc_xyz, initial.positions, units.BOHR, "initial positions (before relaxation)"),
        "positions": var(nuc_xyz, cl.positions, units.BOHR, "relaxed positions (minimum of the static energy)"),
        "direction": var("xyz", cl.direction, units.DIMENSIONLESS, "unit vector of the current"),
        "energy": scalar(relaxed.statics.energy, units.HARTREE, "static energy sum_{a<b} Z_a Z_b U(d_ab)"),
        "max_force": scalar(relaxed.statics.max_force, units.FORCE, "largest residual force after relaxation"),
        "curvature": var("internal_mode", relaxed.curvatures, units.SPRING, "eigenvalues of the internal Hessian"),
        "harmonic_frequency": var(
            "internal_mode",
            harmonic,
            units.HARTREE,
            "harmonic frequencies sqrt(eig(M^-1/2 H M^-1/2)) of the internal modes",
        ),
        "mode_frequency": var("mode", [m.frequency for m in modes], units.HARTREE, "mode frequency Re(pole)"),
        "mode_rate": var("mode", [m.rate for m in modes], units.RATE, "mode amplitude damping rate -Im(pole)"),
        "mode_kind": var(
            "mode",
            np.array([m.kind for m in modes], dtype=object),
            units.DIMENSIONLESS,
            "translation, rotation or vibration",
        ),
        "mode_pattern": var(
            ("mode", "nucleus", "xyz"),
            np.array([m.pattern for m in modes]),
            units.DIMENSIONLESS,
            "velocity pattern of the mode (unit norm, largest component real)",
        ),
        "markov_rate": var("markov_mode", rates, units.RATE, "Markov decay rates -Re(lambda)"),
        "markov_frequency": var(
            "markov_mode",
            np.abs(lam.imag)[np.argsort(-lam.real)],
            units.HARTREE,
            "Markov mode frequencies |Im(lambda)|",
        ),
        "response": var(
            ("omega", "nucleus", "xyz"),
            V_w,
            units.DIMENSIONLESS,
            "V_a(omega) per unit drift velocity (current density per n)",
        ),
        "velocity": var(("time", "nucleus", "xyz"), V, units.DIMENSIONLESS, "velocity V_a(t) of each nucleus", **drift),
        "velocity_markov": var(
            ("time", "nucleus", "xyz"),
            Vm,
            units.DIMENSIONLESS,
            "velocity V_a(t), constant-friction (Markov) ODE",
            **drift,
        ),
        "v_cm": var(("time", "xyz"), v_cm, units.DIMENSIONLESS, "centre-of-mass velocity", **drift),
        "displacement": var(
            ("time", "nucleus", "xyz"),
            disp,
            units.TIME,
            "displacement of each nucleus from its equilibrium position per unit drift velocity",
            units_description="multiply by the drift velocity j0/n (bohr/atomic_unit_of_time) for bohr",
        ),
        "pulse": var(
            "time", pulse.shape(t), units.DIMENSIONLESS, "current pulse j(t)/j0", units_description=units.PULSE
        ),
        "time_error": scalar(time_error, units.DIMENSIONLESS, "estimated discretisation error of V(t)", **drift),
        "density": scalar(gas.n, units.DENSITY, "electron density n"),
    }
    return xr.Dataset(
        data,
        coords={
            "nucleus": ("nucleus", np.arange(1, N + 1), {"units": units.DIMENSIONLESS, "long_name": "nucleus"}),
            "xyz": ("xyz", np.array(XYZ, dtype=object), {"units": units.DIMENSIONLESS, "long_name": "Cartesian axis"}),
            "time": ("time", t, {"units": units.TIME, "long_name": "time t"}),
            "omega": ("omega", omega, {"units": units.HARTREE, "long_name": "frequency"}),
            "mode": ("mode", np.arange(len(modes)), {"units": units.DIMENSIONLESS, "long_name": "mode index"}),
            "markov_mode": (
                "markov_mode",
                np.arange(rates.size),
                {"units": units.DIMENSIONLESS, "long_name": "Markov eigenvalue index"},
            ),
            "internal_mode": (
                "internal_mode",
                np.arange(relaxed.curvatures.size),
                {"units": units.DIMENSIONLESS, "long_name": "internal Hessian eigenvector index"},
            ),
        },
        attrs=stage_attrs(
            "cluster",
            record,
            rs,
            chi_ds.attrs["kernel"],
            kernel_label=chi_ds.attrs["kernel_label"],
            cluster=name,
            saddle_curvatures=json.dumps(list(relaxed.saddles)),
            pulse_duration=pulse.duration,
            pulse_duration_units=units.TIME,
            pulse_shape=type(pulse).__name__,
        ),
    )
