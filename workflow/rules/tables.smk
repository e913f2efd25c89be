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
