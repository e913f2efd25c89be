"""The numpy core: arrays in, arrays out, Hartree atomic units.

=================  ==========================================================================
electron_gas       r_s -> n, k_F, E_F, omega_p
lindhard           Kohn-Sham response chi_s(q, omega), closed form
kernels            exchange-correlation kernels f_xc(q, omega) (one module per kernel)
dyson              interacting response chi^h(q, omega), Eq. (15)
quadrature         Gauss-Legendre q grids with edges at 2kF and the continuum edges
frequency_grids    frequency grids of the J integrals and of G(omega)
statics            U(d), F(d), U''(d) (Eqs. 9-10) and the equilibrium distance
impurity           the two nuclei (charges, masses, presets) and the two geometries
friction           J integrals, friction density and friction coefficients
frequency_domain   the 2x2 equations of motion (Eqs. 12-13) in omega, their DC and high-frequency limits
time_domain        step responses S(t) of G(omega) and of the Markov model, Duhamel superposition
filon              Filon quadrature of Fourier integrals
pulses             current pulses (Eq. 14 and smooth shapes)
dynamics           (the old import path of impurity, friction, frequency_domain and the Markov model)
plasmon            plasmon dispersion, delta-function weight, excitation threshold
loss               loss function Im[-1/eps], its quadratures, the f-sum rule
stopping           stopping power S(v) of an ion (Lindhard 1954), its limits
cluster            any cluster of nuclei: geometry, relaxation, 3N x 3N response, modes
=================  ==========================================================================
"""
