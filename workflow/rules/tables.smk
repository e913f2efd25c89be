rule make_summary_table:
    """One row per (kernel, rs): d_eq, spring constant, vibration frequency, friction, pulse length."""
    input:
        equilibrium=expand(
            "results/equilibrium/{kernel}/rs{rs}.nc", kernel=KERNEL_NAMES, rs=RS
        ),
        response=expand(
            "results/response/{kernel}/rs{rs}_{geometry}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        pulse=expand("results/pulse/rs{rs}.nc", rs=RS),
    output:
        report(
            "results/tables/summary.csv",
            caption="../report/summary.rst",
            category="Tables",
        ),
    log:
        "logs/make_summary_table/summary.log",
    benchmark:
        "results/benchmarks/make_summary_table/summary.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    script:
        "../scripts/make_summary_table.py"


rule make_impurity_table:
    """The primary and the extra impurities side by side: frequencies, friction, peak velocities."""
    input:
        response=expand(
            "results/response/{kernel}/rs{rs}_{geometry}{imp}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
            imp=[""] + [f"_{i}" for i in EXTRA_IMPURITIES],
        ),
        velocity=expand(
            "results/velocity/{kernel}/rs{rs}_{geometry}{imp}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
            imp=[""] + [f"_{i}" for i in EXTRA_IMPURITIES],
        ),
    output:
        report(
            "results/tables/impurities.csv",
            caption="../report/impurities.rst",
            category="Tables",
        ),
    log:
        "logs/make_impurity_table/impurities.log",
    benchmark:
        "results/benchmarks/make_impurity_table/impurities.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    script:
        "../scripts/make_impurity_table.py"
