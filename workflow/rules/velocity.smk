rule compute_velocity:
    """V_c(t), V_r(t) for the current pulse (rectangular, Eq. (14), by default), in units of j0/n."""
    input:
        response=f"{RESULTS}/response/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.nc",
        pulse=f"{RESULTS}/pulse/rs{{rs}}.nc",
        code=code("compute_velocity"),
        params=params_stamp("compute_velocity"),
    output:
        f"{RESULTS}/velocity/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.nc",
    log:
        f"{LOGS}/compute_velocity/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.log",
    priority: 3  # see common.smk: what gates the longest chain of later jobs first
    resources:
        mem_mb=job_mb("compute_velocity", config),
    params:
        time=cfg("time"),
        pulse=cfg_keys("pulse", ("shape", "rise_time", "width", "frequency")),
    run:
        run_script(rule, input, output, params, wildcards, log)
