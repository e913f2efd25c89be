"""Beyond the paper: the stopping power S(v) of an ion for every kernel and r_s (one job per kernel and
r_s on its kernel table), its figure and table; target `stopping`, part of `everything`.
"""

STOPPING_OUTPUTS = [
    f"{RESULTS}/tables/stopping.csv",
    f"{RESULTS}/figures/stopping.pdf",
    f"{RESULTS}/figures/stopping.png",
]


rule compute_stopping:
    """S(v) of a point charge Z (Lindhard 1954) with chi^h of Eq. (15), its limits and its maximum."""
    input:
        kernel=f"{RESULTS}/kernel/{{kernel}}/rs{{rs}}.nc",
        code=code("compute_stopping"),
        params=params_stamp("compute_stopping"),
    output:
        f"{RESULTS}/stopping/{{kernel}}/rs{{rs}}.nc",
    log:
        f"{LOGS}/compute_stopping/{{kernel}}/rs{{rs}}.log",
    resources:
        mem_mb=job_mb("compute_stopping", config),
    params:
        stopping=cfg("stopping"),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule make_stopping_table:
    """Maximum of S(v) (position, height, plasmon share), Q0 and S at 0.1-5 v_F per (kernel, rs)."""
    input:
        stopping=expand(
            f"{RESULTS}/stopping/{{kernel}}/rs{{rs}}.nc", kernel=KERNEL_NAMES, rs=RS
        ),
        code=code("make_stopping_table"),
    output:
        report(
            f"{RESULTS}/tables/stopping.csv",
            caption="../report/stopping_table.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/make_stopping_table/stopping.log",
    run:
        run_script(rule, input, output, params, wildcards, log)


rule plot_stopping:
    """S(v) per rs for every kernel with Z^2 Q0 v and the Bethe asymptote; S/S_RPA below."""
    input:
        stopping=expand(
            f"{RESULTS}/stopping/{{kernel}}/rs{{rs}}.nc", kernel=KERNEL_NAMES, rs=RS
        ),
        code=code("plot_stopping"),
        params=params_stamp("plot_stopping"),
    output:
        pdf=f"{RESULTS}/figures/stopping.pdf",
        png=report(
            f"{RESULTS}/figures/stopping.png",
            caption="../report/stopping.rst",
            category="Figures",
        ),
    log:
        f"{LOGS}/plot_stopping/stopping.log",
    params:
        plot=cfg_keys("plot", APPEARANCE),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule stopping:
    """Target: the stopping power of every kernel and r_s, its figure and its table."""
    input:
        STOPPING_OUTPUTS,
