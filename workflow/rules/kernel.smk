rule tabulate_kernel:
    """f_xc on the static and per-frequency q grids of one (kernel, rs)."""
    input:
        kernel_sources,
        package_files(*CORE, "quadrature.py", "kernels/__init__.py"),
    output:
        "results/kernel/{kernel}/rs{rs}.nc",
    log:
        "logs/tabulate_kernel/{kernel}/rs{rs}.log",
    benchmark:
        "results/benchmarks/tabulate_kernel/{kernel}/rs{rs}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        kernel_params=lambda w: kernel_params(w.kernel),
        grid=cfg("grid"),
        frequency=cfg("frequency"),
    script:
        "../scripts/tabulate_kernel.py"
