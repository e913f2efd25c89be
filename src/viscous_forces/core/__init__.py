"""The numpy core: arrays in, arrays out, Hartree atomic units.

=================  ==========================================================================
electron_gas       r_s -> n, k_F, E_F, omega_p
lindhard           Kohn-Sham response chi_s(q, omega), closed form
kernels            exchange-correlation kernels f_xc(q, omega) (one module per kernel)
dyson              interacting response chi^h(q, omega), Eq. (15)
quadrature         Gauss-Legendre q grids with edges at 2kF and the continuum edges
frequency          frequency grids of the J integrals and of G(omega)
statics            U(d), F(d), U''(d) (Eqs. 9-10) and the equilibrium distance
dynamics           friction, J integrals, the 2x2 equations of motion (Eqs. 12-13), Markov limit
filon              step response S(t) from G(omega) (Filon quadrature)
pulses             current pulses (Eq. 14 and smooth shapes) and their superposition
cluster            any cluster of nuclei: geometry, relaxation, 3N x 3N response, modes
=================  ==========================================================================
"""
