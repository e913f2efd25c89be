rule solve_response:
    """J integrals, friction coefficients and G_c(omega), G_r(omega) of Eqs. (12)-(13)."""
    input:
        chi="results/chi/{kernel}/rs{rs}.nc",
        equilibrium="results/equilibrium/{kernel}/rs{rs}.nc",
        code=package_files(*CORE, "dynamics.py", "timedomain.py", "statics.py"),
    output:
        "results/response/{kernel}/rs{rs}_{geometry}{imp}.nc",
    log:
        "logs/solve_response/{kernel}/rs{rs}_{geometry}{imp}.log",
    benchmark:
        "results/benchmarks/solve_response/{kernel}/rs{rs}_{geometry}{imp}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        impurity=lambda w: impurity_params(w.imp),
        direct_field=cfg("direct_field_sign"),
        frequency=cfg("frequency"),
    script:
        "../scripts/solve_response.py"
