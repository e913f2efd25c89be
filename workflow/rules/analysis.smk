"""Beyond the paper (issue 6): vibration poles vs time-domain fits, the viscous correction per
phase, and friction, d_eq and omega_vib across densities (one small job per kernel and rs).
"""

SWEEP_RS = [rs_label(r) for r in config["analysis"]["sweep_rs"]]
DYNAMIC_KERNEL = config["analysis"]["dynamic_kernel"]
STATIC_KERNEL = config["analysis"]["static_kernel"]
#: The viscous correction compares two configured kernels; it is skipped if either is missing.
VISCOUS_PAIR = DYNAMIC_KERNEL in KERNEL_NAMES and STATIC_KERNEL in KERNEL_NAMES
#: Grid keys of the static (omega = 0) quadrature, the only ones the sweep depends on.
STATIC_GRID_KEYS = ("q_max_static", "panel_width", "d_max", "n_gl", "grading_levels")

EXTRA_OUTPUTS.append("results/tables/vibrations.csv")
#: The density sweep (many small jobs, cluster-friendly) is its own target: `snakemake sweep`.
SWEEP_OUTPUTS = [
    "results/tables/friction_sweep.csv",
    "results/figures/friction_sweep.pdf",
    "results/figures/friction_sweep.png",
]
if VISCOUS_PAIR:
    EXTRA_OUTPUTS.extend(
        [
            "results/tables/viscous_correction.csv",
            "results/tables/viscous_correction_verdict.txt",
        ]
    )


rule make_vibration_table:
    """Vibration frequency and damping (and the other modes): Markov, poles of G(omega), fits of V(t)."""
    input:
        response=expand(
            "results/response/{kernel}/rs{rs}_{geometry}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        velocity=expand(
            "results/velocity/{kernel}/rs{rs}_{geometry}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        code=package_files(*CORE, "analysis.py", "dynamics.py"),
    output:
        report(
            "results/tables/vibrations.csv",
            caption="../report/vibrations.rst",
            category="Analysis",
        ),
    log:
        "logs/make_vibration_table/vibrations.log",
    benchmark:
        "results/benchmarks/make_vibration_table/vibrations.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        fit_efolds=cfg("analysis", "fit_efolds"),
    script:
        "../scripts/make_vibration_table.py"


rule make_viscous_correction_table:
    """Dynamic (rMCP07) vs static (MCP07) velocities per phase, geometry and rs; the paper's 40 % claim."""
    input:
        dynamic=expand(
            "results/velocity/{kernel}/rs{rs}_{geometry}.nc",
            kernel=DYNAMIC_KERNEL,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        static=expand(
            "results/velocity/{kernel}/rs{rs}_{geometry}.nc",
            kernel=STATIC_KERNEL,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        code=package_files(*CORE, "analysis.py"),
    output:
        table=report(
            "results/tables/viscous_correction.csv",
            caption="../report/viscous_correction.rst",
            category="Analysis",
        ),
        verdict=report(
            "results/tables/viscous_correction_verdict.txt",
            caption="../report/viscous_correction_verdict.rst",
            category="Analysis",
        ),
    log:
        "logs/make_viscous_correction_table/viscous_correction.log",
    benchmark:
        "results/benchmarks/make_viscous_correction_table/viscous_correction.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        dynamic_kernel=DYNAMIC_KERNEL,
        static_kernel=STATIC_KERNEL,
        pointwise_threshold=cfg("analysis", "pointwise_threshold"),
    script:
        "../scripts/make_viscous_correction_table.py"


rule compute_friction:
    """d_eq, U''(d_eq), omega_vib, Q0 (with the RPA closed form) and Q_par, Q_perp of one (kernel, rs)."""
    input:
        kernel_sources,
        package_files(
            *CORE,
            "analysis.py",
            "statics.py",
            "dynamics.py",
            "lindhard.py",
            "response.py",
            "quadrature.py",
            "kernels/__init__.py",
        ),
    output:
        "results/friction/{kernel}/rs{rs}.nc",
    log:
        "logs/compute_friction/{kernel}/rs{rs}.log",
    benchmark:
        "results/benchmarks/compute_friction/{kernel}/rs{rs}.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        kernel_params=lambda w: kernel_params(w.kernel),
        grid={k: cfg("grid", k) for k in STATIC_GRID_KEYS},
        d_min=cfg("equilibrium", "d_min"),
        d_step=cfg("equilibrium", "d_step"),
        impurity=impurity_params(),
    script:
        "../scripts/compute_friction.py"


rule make_friction_table:
    """The density sweep (every kernel, analysis.sweep_rs) as one table."""
    input:
        friction=expand(
            "results/friction/{kernel}/rs{rs}.nc", kernel=KERNEL_NAMES, rs=SWEEP_RS
        ),
    output:
        report(
            "results/tables/friction_sweep.csv",
            caption="../report/friction_sweep_table.rst",
            category="Analysis",
        ),
    log:
        "logs/make_friction_table/friction_sweep.log",
    benchmark:
        "results/benchmarks/make_friction_table/friction_sweep.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    script:
        "../scripts/make_friction_table.py"


rule plot_friction_sweep:
    """Q0, Q_par, Q_perp, d_eq and omega_vib against rs, one line per kernel."""
    input:
        friction=expand(
            "results/friction/{kernel}/rs{rs}.nc", kernel=KERNEL_NAMES, rs=SWEEP_RS
        ),
        code=package_files("analysis.py", "plotting.py"),
    output:
        pdf=report(
            "results/figures/friction_sweep.pdf",
            caption="../report/friction_sweep.rst",
            category="Analysis",
        ),
        png=report(
            "results/figures/friction_sweep.png",
            caption="../report/friction_sweep.rst",
            category="Analysis",
        ),
    log:
        "logs/plot_friction_sweep/friction_sweep.log",
    benchmark:
        "results/benchmarks/plot_friction_sweep/friction_sweep.tsv"
    conda:
        "../../envs/viscous-forces.yaml"
    params:
        plot=cfg("plot"),
    script:
        "../scripts/plot_friction_sweep.py"


rule sweep:
    """Target: the density sweep (friction, d_eq, omega_vib for every kernel and analysis.sweep_rs)."""
    input:
        SWEEP_OUTPUTS,


rule everything:
    """Target: the paper, the analysis tables and the density sweep."""
    input:
        all_outputs(),
        SWEEP_OUTPUTS,
