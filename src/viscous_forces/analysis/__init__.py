"""Analyses beyond the paper, built on the stage functions.

========== ===================================================================================
modes      vibration frequency and damping: Markov model, poles of G(omega), fits of V(t)
viscous    the dynamic-kernel (viscous) correction per phase of the pulse, the paper's 40 %
friction   friction coefficients, d_eq and omega_vib of one (kernel, r_s) for the density sweep
convergence  the whole chain rerun on refined grids
========== ===================================================================================
"""
