"""Write the regression tables tests/data/regression_<kernel>.csv (run from the repository root).

    .venv/bin/python tests/data/make_regression.py

For every kernel (rpa, alda, mcp07, rmcp07) and r_s = 2, 6, 10 it runs the production chain
(the stage functions with the paper's configuration, config.yaml) for the proton + deuteron
and records d_eq, U''(d_eq), omega_vib, Q0, Q_par(d_eq), Q_perp(d_eq), the Markov modes, the
pulse length T and V_c, V_r at t/T = 0.1 ... 1.5 for both geometries.  Every number is checked
independently in two ways, both recorded:

* ``convergence_error``: |production - refined|, the refined chain having half the q-panel width,
  1.5x the Gauss-Legendre order, twice the q cut-offs, twice the J-frequency density, half the
  lowest J frequency, omega_max 0.8 omega_p and twice the response-frequency density;
* ``oracle_error``: |production - oracle|, the oracle an independent method of tests/oracles.py
  (named in ``check``).

``tolerance`` = 10 x max(convergence_error, oracle_error), floored at 1e-12 relative; the
regression test (tests/test_regression.py) compares the production chain with ``value`` within
``tolerance``.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/oracles.py (this is a developer script, not a test)

from viscous_forces.analysis.convergence import refine  # noqa: E402

import oracles  # noqa: E402
from regression_chain import GEOMETRIES, KERNELS, RS, T_OVER_T, chain_values, paper_specs  # noqa: E402

TOL_FACTOR = 10.0
REL_FLOOR = 1e-12


def refined_specs(grid, frequency, density):
    """The refined grids of viscous_forces.analysis.convergence and twice the response density."""
    g, f = refine(grid, frequency)
    return g, f, 2 * density


def oracle_values(kernel, rs, base):
    """Independent values (tests/oracles.py) for the quantities of ``base`` that have an oracle."""
    out = {}
    d_eq = base[("d_eq", "", "")]
    out[("d_eq", "", "")] = (
        oracles.equilibrium(rs, kernel, d_eq),
        "oracle: brentq on F(d) by adaptive quadrature to infinity (QAWF tail)",
    )
    _, _, k = oracles.static_integrals(rs, kernel, d_eq)
    out[("spring_constant", "", "")] = (k, "oracle: U''(d_eq) by adaptive quadrature to infinity")
    Q = oracles.friction(rs, kernel, d_eq)
    out[("friction_q0", "", "")] = (Q["J0"], "oracle: -Im chi^h(q, delta)/delta integrated by adaptive quadrature")
    if kernel == "rpa":
        out[("friction_q0", "", "")] = (
            oracles.lindhard_winther(rs),
            "closed form: Lindhard-Winther RPA friction (quadrature)",
        )
    out[("friction_parallel", "", "")] = (Q["parallel"], "oracle: -Im chi^h(q, delta)/delta, adaptive quadrature")
    out[("friction_perpendicular", "", "")] = (
        Q["perpendicular"],
        "oracle: -Im chi^h(q, delta)/delta, adaptive quadrature",
    )
    return out


def markov_oracle(base, imp):
    """Markov eigen-rates from the (V1, V2, R) basis with the production friction coefficients."""
    out = {}
    q0 = base[("friction_q0", "", "")]
    for geometry in GEOMETRIES:
        qg = base[(f"friction_{geometry}", "", "")]
        spring = base[("spring_constant", "", "")] * imp.Z1 * imp.Z2 if geometry == "parallel" else 0.0
        A, _ = oracles.markov_matrix(q0, qg, spring, imp.Z1, imp.Z2, imp.M1, imp.M2)
        lam = np.linalg.eigvals(A)
        if geometry == "parallel":
            osc = lam[lam.imag > 0][0]
            real = lam[lam.imag == 0]
            out[("markov_rate_vibration", geometry, "")] = -osc.real
            out[("markov_frequency_vibration", geometry, "")] = osc.imag
            out[("markov_rate_translation", geometry, "")] = -real.real.max()
        else:
            lam = lam[np.abs(lam) > 1e-30]  # the free rotation angle (R decoupled) has eigenvalue 0
            rates = np.sort(-lam.real)
            out[("markov_rate_slow", geometry, "")] = rates[0]
            out[("markov_rate_fast", geometry, "")] = rates[1]
    return {
        k: (v, "oracle: eigenvalues of the constant-friction equations in the (V1, V2, R) basis")
        for k, v in out.items()
    }


def main() -> int:
    t_start = time.perf_counter()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    grid, frequency, density, imp, direct_field = paper_specs()
    fine = refined_specs(grid, frequency, density)
    for kernel in KERNELS:
        rows = []
        for rs in RS:
            base, T, chains = chain_values(kernel, rs, grid, frequency, density, imp, direct_field, return_chain=True)
            ref, _, _ = chain_values(kernel, rs, *fine, imp, direct_field, duration=T, return_chain=True)
            orc = oracle_values(kernel, rs, base)
            orc.update(markov_oracle(base, imp))
            # V(t): the Re form of the step response (Kramers-Kronig partner of the production Im form)
            for geometry in GEOMETRIES:
                resp = chains[geometry]
                n = float(resp["density"])
                G = np.stack([resp["G_c"].values, resp["G_r"].values], axis=1)
                sigma = float(resp["sigma"])
                g_inf = np.array(
                    [sigma * (imp.Z1 + imp.Z2) / (imp.Mc * n), sigma * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1) / n]
                )
                for x in T_OVER_T:
                    t = np.array([x * T, x * T - T])
                    S = oracles.step_response_re_form(resp["omega"].values, G, t, g_inf)
                    V = n * (S[0] - S[1])
                    for i, var in enumerate(("v_cm", "v_rel")):
                        orc[(var, geometry, x)] = (
                            V[i],
                            "oracle: Re-form step response (Kramers-Kronig partner of the Im form)",
                        )
            for key, value in base.items():
                quantity, geometry, x = key
                conv = abs(ref[key] - value)
                o_val, check = orc.get(key, (None, "closed form from the checked quantities above"))
                o_err = abs(o_val - value) if o_val is not None else 0.0
                err = max(conv, o_err)
                tol = max(TOL_FACTOR * err, REL_FLOOR * abs(value), 1e-300)
                rows.append(
                    {
                        "quantity": quantity,
                        "rs": rs,
                        "geometry": geometry,
                        "t_over_T": x,
                        "value": repr(float(value)),
                        "convergence_error": f"{conv:.2e}",
                        "oracle_error": f"{o_err:.2e}" if o_val is not None else "",
                        "tolerance": f"{tol:.2e}",
                        "check": check,
                    }
                )
            print(f"{kernel} rs={rs}: {len(base)} values, {time.perf_counter() - t_start:.0f} s", flush=True)
        path = HERE / f"regression_{kernel}.csv"
        with path.open("w", newline="") as fh:
            fh.write(
                f"# Regression table for the {kernel} kernel, proton + deuteron, paper configuration (config.yaml).\n"
            )
            fh.write(f"# Produced at commit {commit} by: .venv/bin/python tests/data/make_regression.py\n")
            fh.write("# value: production chain (stage functions); convergence_error: |value - refined grids|;\n")
            fh.write("# oracle_error: |value - independent method named in check| (tests/oracles.py);\n")
            fh.write("# tolerance = 10 x max(convergence_error, oracle_error) (floor 1e-12 relative).\n")
            fh.write(
                "# Units: d_eq bohr; spring_constant Ha/bohr^2; omega_vib, markov_* Ha (1/a.u. time); friction a.u.;\n"
            )
            fh.write("# pulse_duration a.u. of time; v_cm, v_rel j0/n at t = t_over_T * pulse_duration.\n")
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {path}")
    print(f"total {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
