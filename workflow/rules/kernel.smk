rule tabulate_kernel:
    """f_xc on the static and per-frequency q grids of one (kernel, rs)."""
    input:
        code=code("tabulate_kernel"),
        params=params_stamp("tabulate_kernel"),
        kernel_code=kernel_code,
    output:
        f"{RESULTS}/kernel/{{kernel}}/rs{{rs}}.nc",
    log:
        f"{LOGS}/tabulate_kernel/{{kernel}}/rs{{rs}}.log",
    priority: 8  # see common.smk: what gates the longest chain of later jobs first
    resources:
        mem_mb=lambda w: job_mb("tabulate_kernel", config, float(w.rs)),
    params:
        kernel_params=lambda w: kernel_params(w.kernel),
        grid=cfg("grid"),
        frequency=cfg_keys("frequency", ("omega_max", "omega_min", "points_per_decade")),
    run:
        run_script(rule, input, output, params, wildcards, log)
