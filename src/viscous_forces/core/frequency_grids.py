r"""Frequency grids: the log-spaced grid of the J integrals and the grid of G(omega).

The J integrals vary with omega only on electronic scales, so a log-spaced grid from
``omega_min`` to ``omega_max`` (units of omega_p) with a spline in ln omega represents them.
G(omega) has narrow nuclear features (the friction peak at 0, the vibrational resonance), which
:func:`response_frequency_grid` resolves; the response stage estimates the resulting error of
V(t) (:func:`viscous_forces.core.time_domain.step_response_error`) and refuses a grid too coarse for
``MAX_TIME_ERROR`` (docs/theory.md, "Numerical grids").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FrequencySpec:
    """Frequency range of the J integrals and of G (in units of the plasma frequency).

    Attributes
    ----------
    omega_max : float
        Largest frequency, units of omega_p (the nuclear dynamics lives below ~1e-2 omega_p;
        beyond omega_max the analytic 1/omega tail of G is used).
    omega_min : float
        Smallest non-zero J-grid frequency, units of omega_p (below it J/omega is interpolated
        linearly to its exact omega -> 0 limit, -i Q).
    points_per_decade : int
        Logarithmic density of the J grid.
    """

    omega_max: float = 0.5
    omega_min: float = 1e-6
    points_per_decade: int = 8

    def __post_init__(self) -> None:
        if not (0 < self.omega_min < self.omega_max <= 0.9):
            raise ValueError(
                "frequency grid needs 0 < omega_min < omega_max <= 0.9 (units of omega_p), "
                f"got omega_min={self.omega_min!r}, omega_max={self.omega_max!r}"
            )
        if not (2 <= self.points_per_decade <= 200):
            raise ValueError(f"frequency.points_per_decade must be in [2, 200], got {self.points_per_decade!r}")

    def grid(self, omega_p: float) -> np.ndarray:
        """Log-spaced J-grid frequencies (Ha).

        ``ceil(decades * points_per_decade) + 1`` points from ``omega_min omega_p`` to
        ``omega_max omega_p``, geometrically spaced (docs/theory.md, "Numerical grids").

        Parameters
        ----------
        omega_p : float
            Plasma frequency of the gas (Ha).

        Returns
        -------
        numpy.ndarray
            Increasing frequencies (Ha).
        """
        decades = np.log10(self.omega_max / self.omega_min)
        n = int(np.ceil(decades * self.points_per_decade)) + 1
        return omega_p * np.geomspace(self.omega_min, self.omega_max, n)


#: Points of the three parts of the G grid at response density 1 (docs/theory.md, "Numerical grids").
G_GRID_POINTS = {"peak": 500, "log": 600, "resonance": 500}
#: Half-widths of the linear parts: 60 decay rates around the peak and the resonance.
G_GRID_SPAN = 60.0
#: Default bound on the estimated discretisation error of V(t) (units of the drift velocity j0/n).
MAX_TIME_ERROR = 1e-4


def response_frequency_grid(
    rates,
    omega_max: float,
    omega_vib: float | None = None,
    vib_width: float | None = None,
    density: float = 1.0,
    resonances=(),
) -> np.ndarray:
    r"""Frequency grid resolving every feature of :math:`G(\omega)` (docs/theory.md, "Numerical grids").

    Union of ``linspace(0, 60 Gamma_max, 500)``, ``linspace(omega_vib -+ 60 Gamma_r/2, 500)``
    (parallel only) and ``geomspace(Gamma_min/50, omega_max, 600)``, each count scaled by
    ``density`` (2 doubles the grid for convergence checks).

    Parameters
    ----------
    rates : array_like
        Markov decay rates (1/a.u.), > 0.
    omega_max : float
        Upper end (Ha).
    omega_vib, vib_width : float, optional
        Centre and half-width (Ha) of the vibrational resonance.
    density : float
        Scale of the number of points of every part (``frequency.response_density``).
    resonances : sequence of (float, float)
        Further (centre, half-width) pairs (Ha), one linear part each (the modes of a cluster).

    Returns
    -------
    numpy.ndarray
        Increasing frequencies (Ha) from 0 to ``omega_max``, points closer than 1e-9 relative
        merged.
    """
    rates = np.asarray(rates, dtype=float)
    if np.any(rates <= 0):
        raise ValueError(f"decay rates must be > 0, got {rates!r}")
    g_min, g_max = rates.min(), rates.max()
    parts = [
        np.linspace(0.0, min(G_GRID_SPAN * g_max, omega_max), int(G_GRID_POINTS["peak"] * density)),
        np.geomspace(g_min / 50.0, omega_max, int(G_GRID_POINTS["log"] * density)),
    ]
    pairs = list(resonances) + ([(omega_vib, vib_width)] if omega_vib is not None and vib_width is not None else [])
    for centre, width in pairs:
        lo = max(centre - G_GRID_SPAN * width, 0.0)
        hi = min(centre + G_GRID_SPAN * width, omega_max)
        parts.append(np.linspace(lo, hi, int(G_GRID_POINTS["resonance"] * density)))
    grid = np.unique(np.concatenate(parts))
    # Drop points closer than 1e-9 relative (unique() keeps near-duplicates from the unions).
    keep = np.concatenate([[True], np.diff(grid) > 1e-9 * grid[1:]])
    return grid[keep]


def required_density(density: float, error: float, max_error: float) -> float:
    """The response density at which a second-order error ``error`` would fall to ``max_error``.

    The error of the piecewise-linear time-domain quadrature falls as density^-2 (docs/theory.md,
    "Numerical grids"), so the density needed is ``1.2 density sqrt(error / max_error)`` (20 %
    margin), rounded up to 0.05.

    Parameters
    ----------
    density : float
        Response density at which ``error`` was estimated.
    error : float
        Estimated discretisation error of V(t) at that density (units of j0/n).
    max_error : float
        Largest accepted error (units of j0/n).

    Returns
    -------
    float
        The suggested ``frequency.response_density``.
    """
    need = density * np.sqrt(error / max_error) * 1.2
    return float(np.ceil(need * 20.0) / 20.0)
