#: Appearance keys of the plot section (every figure), and the time axis (Figs. 2-5).
APPEARANCE = ("width", "height", "dpi", "font_size", "line_width", "styles", "colors")


rule plot_potential:
    """Fig. 1: U(d) and F(d) with d_eq marked."""
    input:
        equilibrium=expand(
            f"{RESULTS}/equilibrium/{{kernel}}/rs{{rs}}.nc",
            kernel=cfg("plot", "fig1_kernels"),
            rs=rs_label(cfg("plot", "fig1_rs")),
        ),
        code=code("plot_potential"),
        params=params_stamp("plot_potential"),
    output:
        pdf=f"{RESULTS}/figures/fig1.pdf",
        png=report(
            f"{RESULTS}/figures/fig1.png",
            caption="../report/fig1.rst",
            category="Figures",
        ),
    log:
        f"{LOGS}/plot_potential/fig1.log",
    priority: 2  # see common.smk: what gates the longest chain of later jobs first
    params:
        plot=cfg_keys("plot", APPEARANCE),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule plot_velocities:
    """Figs. 2-5: velocities vs time, panels rs, lines per kernel."""
    input:
        velocity=lambda w: expand(
            f"{RESULTS}/velocity/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=figure_geometry(w.fig),
        ),
        code=code("plot_velocities"),
        params=params_stamp("plot_velocities"),
    output:
        pdf=f"{RESULTS}/figures/fig{{fig}}.pdf",
        png=report(
            f"{RESULTS}/figures/fig{{fig}}.png",
            caption="../report/velocities.rst",
            category="Figures",
        ),
    log:
        f"{LOGS}/plot_velocities/fig{{fig}}.log",
    priority: 2  # see common.smk: what gates the longest chain of later jobs first
    params:
        plot=cfg_keys("plot", APPEARANCE + ("time_unit",)),
        kernels=KERNEL_NAMES,
        rs=[float(r) for r in RS],
    run:
        run_script(rule, input, output, params, wildcards, log)


rule plot_chi_map:
    """Loss-function maps per kernel (columns) and rs (rows) with continuum edges and plasmon."""
    input:
        maps=expand(
            f"{RESULTS}/chi/{{kernel}}/rs{{rs}}_map.nc", kernel=KERNEL_NAMES, rs=RS
        ),
        code=code("plot_chi_map"),
        params=params_stamp("plot_chi_map"),
    output:
        pdf=f"{RESULTS}/figures/chi_map.pdf",
        png=report(
            f"{RESULTS}/figures/chi_map.png",
            caption="../report/chi_map.rst",
            category="Figures",
        ),
    log:
        f"{LOGS}/plot_chi_map/chi_map.log",
    priority: 9  # the longest job: on one core while the chains use the other
    params:
        plot=cfg_keys("plot", APPEARANCE),
    run:
        run_script(rule, input, output, params, wildcards, log)
