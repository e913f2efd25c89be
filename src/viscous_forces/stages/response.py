"""Stage 4, ``solve_response``: friction, J integrals and G_c(omega), G_r(omega) of Eqs. (12)-(13)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import xarray as xr

from .. import units
from ..core.electron_gas import ElectronGas
from ..core.frequency_domain import dc_limit, direct_field_sign, interpolate_jtilde, solve_2x2
from ..core.frequency_grids import MAX_TIME_ERROR, required_density, response_frequency_grid
from ..core.friction import friction_coefficients, j_integrals
from ..core.impurity import Impurity, check_geometry
from ..core.time_domain import MarkovModel, step_response_error
from ..io import parameters
from .common import check_derived, require_stage, scalar, stage_attrs, var

#: The nuclear features of G (decay rates, vibration) must lie below omega_max / SCALE_SEPARATION,
#: where J/omega is known and varies on electronic scales only (docs/theory.md, "Numerical grids").
SCALE_SEPARATION = 5.0


def friction(chi_ds: xr.Dataset, eq_ds: xr.Dataset | None = None, d: float | None = None) -> dict[str, float]:
    r"""Friction coefficients Q0, Q_parallel, Q_perpendicular at d_eq or at d (a.u., Z = 1; docs/theory.md, "Friction").

    .. math::

        Q_0 = \tfrac83\int_0^\infty a(q)\,dq,\qquad Q_g = 8\int_0^\infty a(q)\,w_g(qd)\,dq,

    with the friction density :math:`a(q)` stored in ``chi_ds``
    (:func:`viscous_forces.core.friction.friction_coefficients`).  The one place where friction
    coefficients are computed from a chi dataset: the response stage (at d_eq), the friction sweep
    (:func:`viscous_forces.analysis.friction.friction_point`, at d_eq) and the clusters
    (:class:`viscous_forces.stages.cluster_terms.ClusterTerms`, at every pair distance) call it.

    Parameters
    ----------
    chi_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.chi.compute_chi` (stage ``chi``).
    eq_ds : xarray.Dataset, optional
        Output of :func:`~viscous_forces.stages.equilibrium.compute_equilibrium` made from ``chi_ds``;
        its ``d_eq`` is the distance unless ``d`` is given.
    d : float, optional
        Internuclear distance (bohr) instead of d_eq.

    Returns
    -------
    dict of str to float
        Keys ``"J0"`` (Q0), ``"parallel"``, ``"perpendicular"`` (Q_g at d_eq or d): floats in m_e/a.u.
        of time (``electron_mass/atomic_unit_of_time``), per unit charges.

    Raises
    ------
    ValueError
        If ``chi_ds`` is not a ``chi`` dataset, ``eq_ds`` is not an ``equilibrium`` dataset made from it,
        or neither ``eq_ds`` nor ``d`` is given.
    """
    require_stage(chi_ds, "chi")
    if eq_ds is not None:
        require_stage(eq_ds, "equilibrium")
        check_derived(chi_ds, eq_ds)
        if d is None:
            d = float(eq_ds["d_eq"])
    if d is None:
        raise ValueError("friction needs the distance: an equilibrium dataset (its d_eq) or d (bohr)")
    return friction_coefficients(
        chi_ds["q_static"].values,
        chi_ds["weight_static"].values,
        chi_ds["friction_density"].values,
        float(d),
    )


def solve_response(
    chi_ds: xr.Dataset,
    eq_ds: xr.Dataset,
    impurity: Impurity,
    geometry: str,
    direct_field: str = "printed",
    density: float = 1.0,
    max_time_error: float = MAX_TIME_ERROR,
) -> xr.Dataset:
    r"""J integrals at d_eq, friction, Markov modes and G(omega) on a grid that resolves them.

    Solves the 2x2 system of Eqs. (12)-(13) (docs/theory.md, "Equations of motion";
    :func:`viscous_forces.core.frequency_domain.solve_2x2`) at every frequency, with
    :math:`\tilde J = J/\omega` interpolated from the J grid and the exact DC value
    :math:`G(0) = (1/\bar n, 0)` (docs/theory.md, "Limits").

    Parameters
    ----------
    chi_ds, eq_ds : xarray.Dataset
        Outputs of :func:`~viscous_forces.stages.chi.compute_chi` and of
        :func:`~viscous_forces.stages.equilibrium.compute_equilibrium` made from it.
    impurity : Impurity
        Charges (e) and masses (m_e); the restoring constant is Z1 Z2 U''(d_eq).
    geometry : {"parallel", "perpendicular"}
        Current along or across the molecular axis.
    direct_field : {"printed", "derived"}
        Sign of the direct-field terms (docs/theory.md, "Deviations from the paper").
    density : float
        Scale of the number of G frequencies (2 doubles them, for convergence checks).
    max_time_error : float
        Largest accepted estimate of the discretisation error of the velocities, units of j0/n
        (the step response on the grid against every second point, Richardson;
        docs/theory.md, "Numerical grids").

    Returns
    -------
    xarray.Dataset
        Stage ``response``, units in pint spelling as stored:

        * on ``omega`` (``hartree``, from 0): ``G_c``, ``G_r`` (complex, ``bohr**3``: velocity per
          unit current density; n G is in units of the drift velocity j0/n), with the exact
          G(0) = (1/n, 0) at omega = 0;
        * on ``omega_j`` (``hartree``, the J grid): ``J0_tilde``, ``Jg_tilde`` (complex J/omega,
          ``electron_mass/atomic_unit_of_time``);
        * on ``mode`` (Markov eigenvalues): ``markov_rate`` (``1/atomic_unit_of_time``) and
          ``markov_frequency`` (``hartree``);
        * scalars: ``friction_q0``, ``friction_qg`` (``electron_mass/atomic_unit_of_time``, Z = 1),
          ``spring`` (``hartree/bohr**2``, lambda_g), ``d_eq`` (``bohr``), ``density``
          (``1/bohr**3``), ``sigma`` (``1``), ``time_error`` (``1``, in units of j0/n, with
          ``units_description``), ``omega_vib`` (``hartree``, parallel only), ``Z1``, ``Z2``
          (``e``), ``M1``, ``M2`` (``m_e``).

        Attributes: provenance (the parameter record adds ``impurity``, ``geometry``,
        ``direct_field``, ``response_density``, ``max_time_error``), ``stage``, ``rs``, ``kernel``,
        ``kernel_label``, ``geometry``.

    Raises
    ------
    ValueError
        If d_eq exceeds ``grid.d_max``, a nuclear time scale is not below
        ``omega_max``/:data:`SCALE_SEPARATION`, or the estimated error of V(t) exceeds
        ``max_time_error``.
    """
    check_geometry(geometry)
    sigma = direct_field_sign(direct_field)
    require_stage(chi_ds, "chi")
    require_stage(eq_ds, "equilibrium")
    check_derived(chi_ds, eq_ds)
    gas = ElectronGas(float(chi_ds.attrs["rs"]))
    record_chi = parameters(chi_ds)
    d_eq = float(eq_ds["d_eq"])
    d_max_dyn = record_chi["grid"]["d_max"]
    if d_eq > d_max_dyn:
        raise ValueError(f"d_eq = {d_eq:.3f} bohr exceeds grid.d_max = {d_max_dyn} bohr of the J-integral grid")
    spring = impurity.restoring_constant(float(eq_ds["spring_constant"])) if geometry == "parallel" else 0.0
    om_j = chi_ds["omega"].values
    J = j_integrals(
        chi_ds["q_dyn"].values, chi_ds["weight_dyn"].values, chi_ds["chi"].values - chi_ds["chi_zero"].values, d_eq
    )
    Q = friction(chi_ds, eq_ds)
    markov = MarkovModel.build(Q, spring, impurity, sigma, geometry)
    lam = markov.eigenvalues
    rates = np.sort(-lam.real)
    omega_max = record_chi["frequency"]["omega_max"] * gas.omega_p
    if geometry == "parallel":
        omega_vib = impurity.vibration_frequency(float(eq_ds["spring_constant"]))
        osc = lam[np.abs(lam.imag) > 0]
        vib_width = float(-osc.real.mean()) if osc.size else float(rates.min())
    else:
        omega_vib, vib_width = None, None

    def response_on(omega):
        jt0 = interpolate_jtilde(om_j, J["J0"] / om_j, Q["J0"], omega[1:])
        jtg = interpolate_jtilde(om_j, J[geometry] / om_j, Q[geometry], omega[1:])
        Gc, Gr = solve_2x2(omega[1:], jt0, jtg, spring, impurity, gas.n, sigma)
        G0c, G0r = dc_limit(gas.n)
        return np.stack([np.concatenate([[G0c], Gc]), np.concatenate([[G0r], Gr])], axis=1)

    fastest = max(float(rates.max()), omega_vib or 0.0)
    if not fastest < omega_max / SCALE_SEPARATION:
        raise ValueError(
            f"the fastest nuclear time scale of the impurity (Z1, Z2, M1, M2) = ({impurity.Z1:g}, {impurity.Z2:g}, "
            f"{impurity.M1:g}, {impurity.M2:g}) at rs = {gas.rs:g}, {fastest:.3g} Ha (Markov rate or vibration), "
            f"is not below frequency.omega_max/{SCALE_SEPARATION:g} = {omega_max / SCALE_SEPARATION:.3g} Ha: nuclei "
            "this light move on the electrons' time scale, outside the separation of time scales the equations assume"
        )
    omega = response_frequency_grid(rates, omega_max, omega_vib, vib_width, density)
    G = response_on(omega)
    # Richardson: the same grid family at half the density, over ~12 decay times of the slowest mode
    coarse = response_frequency_grid(rates, omega_max, omega_vib, vib_width, density / 2)
    t_check = np.linspace(0.0, 12.0 / float(rates.min()), 1201)[1:]
    G0 = np.array([1.0 / gas.n, 0.0])
    time_error = gas.n * step_response_error(omega, G, coarse, response_on(coarse), G0, t_check)
    if not time_error <= max_time_error:
        raise ValueError(
            f"frequency.response_density = {density:g} is too coarse for {geometry} {chi_ds.attrs['kernel']} "
            f"rs = {gas.rs:g}: the estimated error of V(t) is {time_error:.1e} j0/n > frequency.max_time_error = "
            f"{max_time_error:g}; use response_density >= {required_density(density, time_error, max_time_error):g}"
        )
    record = {
        **parameters(eq_ds),
        "impurity": asdict(impurity),
        "geometry": geometry,
        "direct_field": direct_field,
        "response_density": density,
        "max_time_error": max_time_error,
    }
    data = {
        "G_c": var("omega", G[:, 0], units.VOLUME, "c.m. velocity per unit current density, G_c = dV_c/dj"),
        "G_r": var("omega", G[:, 1], units.VOLUME, "relative velocity per unit current density, G_r = dV_r/dj"),
        "time_error": scalar(
            time_error,
            units.DIMENSIONLESS,
            "estimated discretisation error of V(t) due to the G grid",
            units_description=units.DRIFT_VELOCITY,
        ),
        "J0_tilde": var("omega_j", J["J0"] / om_j, units.FRICTION, "J_0(omega)/omega"),
        "Jg_tilde": var("omega_j", J[geometry] / om_j, units.FRICTION, f"J_{geometry}(omega)/omega"),
        "friction_q0": scalar(Q["J0"], units.FRICTION, "single-nucleus friction coefficient Q0 (Z = 1)"),
        "friction_qg": scalar(Q[geometry], units.FRICTION, f"pair friction coefficient Q_{geometry}(d_eq)"),
        "spring": scalar(
            spring, units.SPRING, "restoring constant lambda_g (Z1 Z2 U''(d_eq) parallel, 0 perpendicular)"
        ),
        "d_eq": scalar(d_eq, units.BOHR, "equilibrium distance"),
        "density": scalar(gas.n, units.DENSITY, "electron density n"),
        "sigma": scalar(sigma, units.DIMENSIONLESS, "sign of the direct-field terms (+1 printed, -1 derived)"),
        "markov_rate": var("mode", rates, units.RATE, "Markov decay rates -Re(lambda)"),
        "markov_frequency": var(
            "mode", np.abs(lam.imag)[np.argsort(-lam.real)], units.HARTREE, "Markov mode frequencies |Im(lambda)|"
        ),
    }
    for key in ("Z1", "Z2", "M1", "M2"):
        data[key] = scalar(getattr(impurity, key), units.CHARGE if key[0] == "Z" else units.MASS, f"impurity {key}")
    if omega_vib is not None:
        data["omega_vib"] = scalar(omega_vib, units.HARTREE, "harmonic vibration frequency sqrt(Z1 Z2 k/mu)")
    return xr.Dataset(
        data,
        coords={
            "omega": ("omega", omega, {"units": units.HARTREE, "long_name": "frequency"}),
            "omega_j": ("omega_j", om_j, {"units": units.HARTREE, "long_name": "frequency of the J-integral grid"}),
            "mode": ("mode", np.arange(rates.size), {"units": units.DIMENSIONLESS, "long_name": "Markov mode index"}),
        },
        attrs=stage_attrs(
            "response",
            record,
            gas.rs,
            chi_ds.attrs["kernel"],
            kernel_label=chi_ds.attrs["kernel_label"],
            geometry=geometry,
        ),
    )


def impurity_of(response_ds: xr.Dataset) -> Impurity:
    """The impurity a response dataset was computed for.

    Parameters
    ----------
    response_ds : xarray.Dataset
        Output of :func:`solve_response`.

    Returns
    -------
    Impurity
        Built from its scalars ``Z1``, ``Z2`` (e), ``M1``, ``M2`` (m_e).
    """
    return Impurity(*(float(response_ds[k]) for k in ("Z1", "Z2", "M1", "M2")))


def markov_model(response_ds: xr.Dataset) -> MarkovModel:
    r"""The constant-friction (Markov) model of a response dataset (docs/theory.md, "Markov limit").

    :math:`\tilde J` frozen at :math:`-iQ`: :meth:`viscous_forces.core.time_domain.MarkovModel.build`
    from the stored ``friction_q0``, ``friction_qg``, ``spring`` and ``sigma``.

    Parameters
    ----------
    response_ds : xarray.Dataset
        Output of :func:`solve_response` (stage ``response``).

    Returns
    -------
    MarkovModel
        The model of the dataset's geometry, velocities in units of the drift velocity.
    """
    require_stage(response_ds, "response")
    geometry = response_ds.attrs["geometry"]
    Q = {"J0": float(response_ds["friction_q0"]), geometry: float(response_ds["friction_qg"])}
    return MarkovModel.build(
        Q, float(response_ds["spring"]), impurity_of(response_ds), float(response_ds["sigma"]), geometry
    )
