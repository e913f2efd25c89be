rule find_equilibrium:
    """U(d), F(d) (Eqs. 9-10), the first stable minimum d_eq and the spring constant U''(d_eq)."""
    input:
        chi="results/chi/{kernel}/rs{rs}.nc",
        code=package_files(*CORE, "statics.py"),
    output:
        "results/equilibrium/{kernel}/rs{rs}.nc",
    params:
        equilibrium=config["equilibrium"],
        d_max=config["grid"]["d_max"],
        z1z2=config["impurity"]["Z1"] * config["impurity"]["Z2"],
    log:
        "logs/find_equilibrium/{kernel}/rs{rs}.log",
    benchmark:
        "results/benchmarks/find_equilibrium/{kernel}/rs{rs}.tsv"
    script:
        "../scripts/find_equilibrium.py"
