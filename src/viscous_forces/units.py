"""Unit strings of every stored quantity, in the spelling of the pint unit registry.

Hartree atomic units throughout (docs/theory.md, "Model and units"): ``hartree`` (energy and, with hbar = 1,
frequency), ``bohr`` (length), ``atomic_unit_of_time`` (hbar/E_h = 2.418884e-17 s).  Velocities are in
units of the electron drift velocity j0/n and the current pulse in units of j0: both are stored as
dimensionless ("1") with the meaning in the attribute ``units_description``.
"""

HARTREE = "hartree"
BOHR = "bohr"
INVERSE_BOHR = "1/bohr"
DENSITY = "1/bohr**3"
TIME = "atomic_unit_of_time"
RATE = "1/atomic_unit_of_time"
FORCE = "hartree/bohr"
#: Velocities of ions (the atomic unit of velocity, alpha c; the Fermi velocity is v_F = k_F in it).
VELOCITY = "bohr/atomic_unit_of_time"
SPRING = "hartree/bohr**2"
#: chi^h(q, omega): density response per unit potential energy and volume.
RESPONSE = "1/(hartree*bohr**3)"
#: Friction coefficients Q and J(omega)/omega (Eqs. 12-13): force per velocity, hbar/bohr^2 = m_e/t_au (the
#: q integrals carry the factor (4 pi)^2 of two Coulomb interactions, hence Ha^2 bohr^2 times 1/(Ha^2 bohr^4)).
FRICTION = "electron_mass/atomic_unit_of_time"
DIMENSIONLESS = "1"

#: ``units_description`` of the quantities stored as ratios.
DRIFT_VELOCITY = "velocity in units of the electron drift velocity j0/n"
PULSE = "current in units of its plateau value j0"

#: f_xc(q, omega).
KERNEL = "hartree*bohr**3"
#: Volumes; also d Im f_xc/d omega at omega = 0 and G = dV/dj (velocity per unit current density).
VOLUME = "bohr**3"
#: a(q) = -d Im chi^h/d omega at omega = 0.
FRICTION_DENSITY = "1/(hartree**2*bohr**3)"
#: Nuclear charges and masses.
CHARGE = "elementary_charge"
MASS = "electron_mass"
