rule solve_response:
    """J integrals, friction coefficients and G_c(omega), G_r(omega) of Eqs. (12)-(13)."""
    input:
        chi=f"{RESULTS}/chi/{{kernel}}/rs{{rs}}.nc",
        equilibrium=f"{RESULTS}/equilibrium/{{kernel}}/rs{{rs}}.nc",
        code=code("solve_response"),
        params=params_stamp("solve_response"),
    output:
        f"{RESULTS}/response/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.nc",
    log:
        f"{LOGS}/solve_response/{{kernel}}/rs{{rs}}_{{geometry}}{{imp}}.log",
    priority: 5  # see common.smk: what gates the longest chain of later jobs first
    resources:
        mem_mb=lambda w: job_mb("solve_response", config, float(w.rs)),
    params:
        impurity=lambda w: impurity_params(w.imp),
        direct_field_sign=cfg("direct_field_sign"),
        frequency=cfg_keys("frequency", ("response_density", "max_time_error")),
    run:
        run_script(rule, input, output, params, wildcards, log)
