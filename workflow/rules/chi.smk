rule compute_chi:
    """chi^h(q, omega) of Eq. (15) on the kernel's grids, and the friction density."""
    input:
        kernel="results/kernel/{kernel}/rs{rs}.nc",
        code=package_files(*CORE, "lindhard.py", "response.py", "dynamics.py"),
    output:
        "results/chi/{kernel}/rs{rs}.nc",
    log:
        "logs/compute_chi/{kernel}/rs{rs}.log",
    benchmark:
        "results/benchmarks/compute_chi/{kernel}/rs{rs}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    script:
        "../scripts/compute_chi.py"
