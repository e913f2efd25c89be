rule compute_chi:
    """chi^h(q, omega) of Eq. (15) on the kernel's grids, and the friction density."""
    input:
        kernel=f"{RESULTS}/kernel/{{kernel}}/rs{{rs}}.nc",
        code=code("compute_chi"),
    output:
        f"{RESULTS}/chi/{{kernel}}/rs{{rs}}.nc",
    log:
        f"{LOGS}/compute_chi/{{kernel}}/rs{{rs}}.log",
    priority: 7  # see common.smk: what gates the longest chain of later jobs first
    resources:
        mem_mb=lambda w: job_mb("compute_chi", config, float(w.rs)),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule compute_chi_map:
    """chi^h(q, omega) and the loss function on a regular (q, omega) map, with the plasmon line."""
    input:
        code=code("compute_chi_map"),
        params=params_stamp("compute_chi_map"),
        kernel_code=kernel_code,
    output:
        f"{RESULTS}/chi/{{kernel}}/rs{{rs}}_map.nc",
    log:
        f"{LOGS}/compute_chi_map/{{kernel}}/rs{{rs}}.log",
    priority: 9  # first: they need no other job, and their figure is the longest job
    resources:
        mem_mb=job_mb("compute_chi_map", config),
    params:
        kernel_params=lambda w: kernel_params(w.kernel),
        chi_map=cfg("chi_map"),
    run:
        run_script(rule, input, output, params, wildcards, log)
