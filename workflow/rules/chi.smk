rule compute_chi:
    """chi^h(q, omega) of Eq. (15) on the kernel's grids, and the friction density."""
    input:
        kernel=f"{RESULTS}/kernel/{{kernel}}/rs{{rs}}.nc",
        code=code("compute_chi"),
    output:
        f"{RESULTS}/chi/{{kernel}}/rs{{rs}}.nc",
    log:
        "logs/compute_chi/{kernel}/rs{rs}.log",
    benchmark:
        f"{RESULTS}/benchmarks/compute_chi/{{kernel}}/rs{{rs}}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    resources:
        mem_mb=lambda w: job_mb("compute_chi", config, float(w.rs)),
    script:
        "../scripts/compute_chi.py"
