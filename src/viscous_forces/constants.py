"""Physical constants and nuclear masses in Hartree atomic units.

Hartree atomic units: e = m_e = hbar = 1; lengths in bohr, energies in hartree (Ha),
times in hbar/Ha, masses in electron masses.  Every result file records :data:`CODATA_VERSION`.
"""

from __future__ import annotations

#: Source of the values below (P. J. Mohr et al., Rev. Mod. Phys. 93, 025010 (2021)).
CODATA_VERSION = "CODATA 2018"

#: Proton mass in electron masses, m_p/m_e (CODATA 2018: 1836.15267343).
M_PROTON = 1836.15267
#: Deuteron mass in electron masses, m_d/m_e (CODATA 2018: 3670.48296788).
M_DEUTERON = 3670.48297
#: Triton mass in electron masses, m_t/m_e (CODATA 2018: 5496.92153573).
M_TRITON = 5496.92154

#: Atomic unit of time in seconds, hbar/E_h (CODATA 2018: 2.4188843265857e-17 s).
AU_TIME_S = 2.4188843265857e-17
#: Atomic unit of time in femtoseconds.
AU_TIME_FS = AU_TIME_S * 1e15
#: Atomic unit of time in picoseconds.
AU_TIME_PS = AU_TIME_S * 1e12

#: Hartree energy in electronvolts (CODATA 2018: 27.211386245988 eV).
HARTREE_EV = 27.211386245988
#: Bohr radius in angstrom (CODATA 2018: 0.529177210903 angstrom).
BOHR_ANGSTROM = 0.529177210903
