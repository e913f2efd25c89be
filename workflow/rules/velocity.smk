rule compute_velocity:
    """V_c(t), V_r(t) for the rectangular pulse of Eq. (14), in units of j0/n."""
    input:
        response="results/response/{kernel}/rs{rs}_{geometry}{imp}.nc",
        pulse="results/pulse/rs{rs}.nc",
        code=package_files(*CORE, "timedomain.py", "dynamics.py"),
    output:
        "results/velocity/{kernel}/rs{rs}_{geometry}{imp}.nc",
    log:
        "logs/compute_velocity/{kernel}/rs{rs}_{geometry}{imp}.log",
    benchmark:
        "results/benchmarks/compute_velocity/{kernel}/rs{rs}_{geometry}{imp}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        time=cfg("time"),
        pulse={k: cfg("pulse", k) for k in ("shape", "rise_time", "width", "frequency")},
    script:
        "../scripts/compute_velocity.py"
