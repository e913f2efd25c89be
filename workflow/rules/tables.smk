rule make_summary_table:
    """One row per (kernel, rs): d_eq, spring constant, vibration frequency, friction, pulse length."""
    input:
        equilibrium=expand(
            f"{RESULTS}/equilibrium/{{kernel}}/rs{{rs}}.nc", kernel=KERNEL_NAMES, rs=RS
        ),
        response=expand(
            f"{RESULTS}/response/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        pulse=expand(f"{RESULTS}/pulse/rs{{rs}}.nc", rs=RS),
        code=code("make_summary_table"),
    output:
        report(
            f"{RESULTS}/tables/summary.csv",
            caption="../report/summary.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/make_summary_table/summary.log",
    priority: 1  # see common.smk: the short last jobs of the paper after its figures
    run:
        run_script(rule, input, output, params, wildcards, log)


rule make_impurity_table:
    """The primary and the extra impurities side by side: frequencies, friction, peak velocities."""
    input:
        response=expand(
            f"{RESULTS}/response/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
            imp=[""] + [f"_{i}" for i in EXTRA_IMPURITIES],
        ),
        velocity=expand(
            f"{RESULTS}/velocity/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
            imp=[""] + [f"_{i}" for i in EXTRA_IMPURITIES],
        ),
        code=code("make_impurity_table"),
    output:
        report(
            f"{RESULTS}/tables/impurities.csv",
            caption="../report/impurities.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/make_impurity_table/impurities.log",
    run:
        run_script(rule, input, output, params, wildcards, log)
