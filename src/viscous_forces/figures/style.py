"""Shared appearance of the figures: options, colours and line styles per kernel, saving.

Colours are the colour-blind-safe palette of Okabe & Ito (2008); every kernel also has its own
line style, so that the figures read in grey-scale print.  Kernels without a configured colour or
style (e.g. a newly added kernel) get the next unused ones, in the order of the figure's legend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import ScalarFormatter

from .. import units
from ..constants import AU_TIME_PS

#: The paper's line styles: rMCP07 solid (a), static MCP07 dashed (b), RPA dotted (c).
DEFAULT_STYLES = {"rmcp07": "-", "mcp07": "--", "rpa": ":", "alda": "-."}
#: Okabe-Ito colours: blue, vermillion, black, bluish green.
DEFAULT_COLORS = {"rmcp07": "#0072B2", "mcp07": "#D55E00", "rpa": "#000000", "alda": "#009E73"}
#: Colours and styles handed out to kernels without a configured one (Okabe-Ito: reddish purple,
#: orange, sky blue, yellow).
EXTRA_COLORS = ("#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
EXTRA_STYLES = ((0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 2)))
#: Orders of magnitude (powers of ten) outside which velocity axes and the numbers written in the
#: figures switch to scientific notation: 10^-2 and below, 10^3 and above.
POWER_LIMITS = (-2, 3)


@dataclass(frozen=True)
class PlotOptions:
    """Figure appearance (never affects any computed number).

    Attributes
    ----------
    width, height : float
        Figure width and the height of one row of panels (inches).
    dpi : int
        PNG resolution.
    font_size, line_width : float
        Points.
    time_unit : {"ps", "au"}
        Unit of the time axes.
    styles, colors : mapping
        Line style and colour per kernel name.
    """

    width: float = 7.2
    height: float = 2.6
    dpi: int = 200
    font_size: float = 9.0
    line_width: float = 1.3
    time_unit: str = "ps"
    styles: Mapping[str, object] = field(default_factory=lambda: dict(DEFAULT_STYLES))
    colors: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))

    def __post_init__(self) -> None:
        if self.time_unit not in ("ps", "au"):
            raise ValueError(f"plot.time_unit must be 'ps' or 'au', got {self.time_unit!r}")
        if not (1 <= self.width <= 30 and 1 <= self.height <= 30 and 50 <= self.dpi <= 1200):
            raise ValueError(f"plot size out of range: width={self.width}, height={self.height}, dpi={self.dpi}")

    def styles_for(self, kernels: Sequence[str]) -> dict[str, dict]:
        """matplotlib line keyword arguments per kernel; unconfigured kernels get unused ones.

        Parameters
        ----------
        kernels : sequence of str
            Kernel names, in legend order (the order in which free colours and styles are handed
            out).

        Returns
        -------
        dict of str to dict
            Per kernel, ``{"linestyle": ..., "color": ..., "linewidth": line_width}``: the
            configured colour and style, else the next unused of :data:`EXTRA_COLORS` and
            :data:`EXTRA_STYLES` (grey ``"0.5"`` and solid when they run out).
        """
        used_colors = {self.colors[k] for k in kernels if k in self.colors}
        used_styles = {self.styles[k] for k in kernels if k in self.styles if isinstance(self.styles[k], str)}
        free_colors = [c for c in EXTRA_COLORS if c not in used_colors]
        free_styles = [s for s in EXTRA_STYLES if s not in used_styles]
        out = {}
        for k in kernels:
            if k in self.colors:
                color = self.colors[k]
            else:
                color = free_colors.pop(0) if free_colors else "0.5"
            if k in self.styles:
                style = self.styles[k]
            else:
                style = free_styles.pop(0) if free_styles else "-"
            out[k] = {"linestyle": style, "color": color, "linewidth": self.line_width}
        return out


def rc(opts: PlotOptions) -> dict:
    """matplotlib rc parameters of the figures.

    Parameters
    ----------
    opts : PlotOptions
        Appearance (font size).

    Returns
    -------
    dict
        rc parameters for ``matplotlib.pyplot.rc_context``: font sizes, inward ticks on all sides,
        standard bounding box, TrueType fonts in PDFs, and on every axis the tick convention of
        :func:`velocity_formatter` (a common power of ten in math text outside :data:`POWER_LIMITS`).
    """
    return {
        "font.size": opts.font_size,
        "axes.labelsize": opts.font_size,
        "legend.fontsize": opts.font_size - 1,
        "xtick.direction": "in",
        "ytick.direction": "in",
        "xtick.top": True,
        "ytick.right": True,
        "savefig.bbox": "standard",  # layout is done by tight_layout; "tight" would draw twice
        "pdf.fonttype": 42,
        "axes.formatter.use_mathtext": True,
        "axes.formatter.limits": list(POWER_LIMITS),
    }


def save(fig, paths: Sequence[str], dpi: int) -> None:
    """Write ``fig`` to every path (format from the suffix); PDFs without a creation date.

    The figure is closed afterwards.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    paths : sequence of str
        Output files, e.g. ``["fig2.pdf", "fig2.png"]``.
    dpi : int
        Resolution of raster formats.
    """
    for i, p in enumerate(paths):
        meta = {"CreationDate": None} if str(p).endswith(".pdf") else {}
        fig.savefig(p, dpi=dpi, metadata=meta)
        if i == 0 and fig.get_layout_engine() is not None:
            fig.set_layout_engine("none")  # the layout of the first file holds for the others
    plt.close(fig)


#: Axis-label spelling of the stored (pint) unit strings of :mod:`viscous_forces.units`.
UNIT_LABELS = {
    units.HARTREE: "Ha",
    units.BOHR: "bohr",
    units.TIME: "a.u. of time",
    units.RATE: "1/a.u. of time",
    units.SPRING: "Ha/bohr$^2$",
    units.FORCE: "Ha/bohr",
    units.VELOCITY: "a.u.",
    units.FRICTION: "a.u.",
    units.INVERSE_BOHR: "bohr$^{-1}$",
    units.DENSITY: "bohr$^{-3}$",
}


def unit_label(unit: str) -> str:
    """How an axis label writes a stored unit string (unknown strings unchanged).

    Parameters
    ----------
    unit : str
        A unit string as stored in the files (pint spelling, :mod:`viscous_forces.units`).

    Returns
    -------
    str
        Its axis-label spelling from :data:`UNIT_LABELS`, e.g. ``"hartree/bohr**2"`` ->
        ``"Ha/bohr$^2$"``.
    """
    return UNIT_LABELS.get(unit, unit)


def time_axis(opts: PlotOptions) -> tuple[float, str]:
    """Factor from a.u. of time to the axis unit, and the axis label.

    Parameters
    ----------
    opts : PlotOptions
        Appearance (``time_unit``).

    Returns
    -------
    factor : float
        Multiplies times in a.u. of time: ps per a.u. of time for ``"ps"``, 1e-5 for ``"au"``.
    label : str
        The axis label, ``"time $t$ (ps)"`` or ``"time $t$ ($10^5$ a.u.)"``.
    """
    if opts.time_unit == "ps":
        return AU_TIME_PS, "time $t$ (ps)"
    return 1e-5, r"time $t$ ($10^5$ a.u.)"


def velocity_formatter() -> ScalarFormatter:
    """Tick formatter of every velocity axis: scientific notation with a math-text exponent label.

    Returns
    -------
    matplotlib.ticker.ScalarFormatter
        With ``useMathText=True`` and power limits :data:`POWER_LIMITS`: values of order 1e-2 and
        below (or 1e3 and above) are labelled by their mantissas and a common factor such as
        :math:`\\times 10^{-4}` at the top of the axis, never as ``0.00010``.
    """
    formatter = ScalarFormatter(useMathText=True)
    formatter.set_powerlimits(POWER_LIMITS)
    return formatter


def format_velocity_axis(axis) -> None:
    """Give ``axis`` (e.g. ``ax.yaxis``) the tick formatter of the velocity axes.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        The axis that carries a velocity (in units of j0/n).
    """
    axis.set_major_formatter(velocity_formatter())


def sci_tex(value: float, digits: int = 2) -> str:
    """A number for math text, in scientific notation outside :data:`POWER_LIMITS`, as on the axes.

    Parameters
    ----------
    value : float
        The number.
    digits : int
        Significant digits.

    Returns
    -------
    str
        Math-text body without dollar signs: ``"2{\\times}10^{-4}"`` for 2e-4, ``"0.35"`` for 0.35,
        ``"10^{4}"`` for 1e4 (a mantissa of 1 is left out).
    """
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    exponent = int(np.floor(np.log10(abs(value))))
    mantissa = float(f"{value / 10.0**exponent:.{digits - 1}f}")
    if abs(mantissa) >= 10:  # rounding carried into the next decade
        mantissa, exponent = mantissa / 10, exponent + 1
    if POWER_LIMITS[0] < exponent < POWER_LIMITS[1]:
        return f"{float(f'{value:.{digits}g}'):g}"
    if mantissa == 1:
        return f"10^{{{exponent}}}"
    return f"{mantissa:g}{{\\times}}10^{{{exponent}}}"
