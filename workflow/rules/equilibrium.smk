rule find_equilibrium:
    """U(d), F(d) (Eqs. 9-10), the first stable minimum d_eq and the spring constant U''(d_eq)."""
    input:
        chi="results/chi/{kernel}/rs{rs}.nc",
        code=package_files(*CORE, "statics.py"),
    output:
        "results/equilibrium/{kernel}/rs{rs}.nc",
    log:
        "logs/find_equilibrium/{kernel}/rs{rs}.log",
    benchmark:
        "results/benchmarks/find_equilibrium/{kernel}/rs{rs}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        equilibrium=cfg("equilibrium"),
        d_max=cfg("grid", "d_max"),
        z1z2=impurity_params()["Z1"] * impurity_params()["Z2"],
    script:
        "../scripts/find_equilibrium.py"
