rule find_equilibrium:
    """U(d), F(d) (Eqs. 9-10), the first stable minimum d_eq and the spring constant U''(d_eq)."""
    input:
        chi=f"{RESULTS}/chi/{{kernel}}/rs{{rs}}.nc",
        code=code("find_equilibrium"),
        params=params_stamp("find_equilibrium"),
    output:
        f"{RESULTS}/equilibrium/{{kernel}}/rs{{rs}}.nc",
    log:
        f"{LOGS}/find_equilibrium/{{kernel}}/rs{{rs}}.log",
    priority: 6  # see common.smk: what gates the longest chain of later jobs first
    resources:
        mem_mb=lambda w: job_mb("find_equilibrium", config, float(w.rs)),
    params:
        equilibrium=cfg("equilibrium"),
        grid=cfg_keys("grid", ("d_max",)),
    run:
        run_script(rule, input, output, params, wildcards, log)
