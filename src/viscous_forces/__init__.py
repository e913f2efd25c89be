"""viscous_forces: current-induced forces and electronic friction on a diatomic impurity in the
homogeneous electron gas with dynamic exchange-correlation kernels.

Reproduces Nazarov, Todorov & Gross, "Viscous Current-Induced Forces", Phys. Rev. Lett. 133,
026301 (2024).  Hartree atomic units throughout.
"""

__version__ = "0.2.0"
