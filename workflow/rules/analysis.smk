"""Beyond the paper: vibration poles vs time-domain fits, the viscous correction per phase, and
friction, d_eq and omega_vib across densities (the kernel -> chi -> equilibrium chain of each
sweep r_s, then one small job per kernel and r_s).
"""

SWEEP_RS = [rs_label(r) for r in config["analysis"]["sweep_rs"]]
DYNAMIC_KERNEL = config["analysis"]["dynamic_kernel"]
STATIC_KERNEL = config["analysis"]["static_kernel"]
#: The viscous correction compares two configured kernels; it is skipped if either is missing.
VISCOUS_PAIR = DYNAMIC_KERNEL in KERNEL_NAMES and STATIC_KERNEL in KERNEL_NAMES

EXTRA_OUTPUTS.append(f"{RESULTS}/tables/vibrations.csv")
#: The density sweep (many small jobs, cluster-friendly) is its own target: `snakemake sweep`.
SWEEP_OUTPUTS = [
    f"{RESULTS}/tables/friction_sweep.csv",
    f"{RESULTS}/figures/friction_sweep.pdf",
    f"{RESULTS}/figures/friction_sweep.png",
]
if VISCOUS_PAIR:
    EXTRA_OUTPUTS.extend(
        [
            f"{RESULTS}/tables/viscous_correction.csv",
            f"{RESULTS}/tables/viscous_correction_verdict.txt",
        ]
    )


rule make_vibration_table:
    """Vibration frequency and damping (and the other modes): Markov, poles of G(omega), fits of V(t)."""
    input:
        response=expand(
            f"{RESULTS}/response/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        velocity=expand(
            f"{RESULTS}/velocity/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        code=code("make_vibration_table"),
        params=params_stamp("make_vibration_table"),
    output:
        report(
            f"{RESULTS}/tables/vibrations.csv",
            caption="../report/vibrations.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/make_vibration_table/vibrations.log",
    priority: 1  # see common.smk: the short last jobs of the paper after its figures
    params:
        fit_efolds=cfg("analysis", "fit_efolds"),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule make_viscous_correction_table:
    """Dynamic (rMCP07) vs static (MCP07) velocities per phase, geometry and rs; the paper's 40 % claim."""
    input:
        dynamic=expand(
            f"{RESULTS}/velocity/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=DYNAMIC_KERNEL,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        static=expand(
            f"{RESULTS}/velocity/{{kernel}}/rs{{rs}}_{{geometry}}.nc",
            kernel=STATIC_KERNEL,
            rs=RS,
            geometry=GEOMETRIES,
        ),
        code=code("make_viscous_correction_table"),
        params=params_stamp("make_viscous_correction_table"),
    output:
        table=report(
            f"{RESULTS}/tables/viscous_correction.csv",
            caption="../report/viscous_correction.rst",
            category="Tables",
        ),
        verdict=report(
            f"{RESULTS}/tables/viscous_correction_verdict.txt",
            caption="../report/viscous_correction_verdict.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/make_viscous_correction_table/viscous_correction.log",
    priority: 1  # see common.smk: the short last jobs of the paper after its figures
    params:
        dynamic_kernel=DYNAMIC_KERNEL,
        static_kernel=STATIC_KERNEL,
        pointwise_threshold=cfg("analysis", "pointwise_threshold"),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule compute_friction:
    """Q0, Q_par, Q_perp at d_eq, d_eq, U''(d_eq) and omega_vib of one (kernel, rs) of the sweep."""
    input:
        chi=f"{RESULTS}/chi/{{kernel}}/rs{{rs}}.nc",
        equilibrium=f"{RESULTS}/equilibrium/{{kernel}}/rs{{rs}}.nc",
        code=code("compute_friction"),
        params=params_stamp("compute_friction"),
    output:
        f"{RESULTS}/friction/{{kernel}}/rs{{rs}}.nc",
    log:
        f"{LOGS}/compute_friction/{{kernel}}/rs{{rs}}.log",
    resources:
        mem_mb=lambda w: job_mb("compute_friction", config, float(w.rs)),
    params:
        impurity=impurity_params(),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule make_friction_table:
    """The density sweep (every kernel, analysis.sweep_rs) as one table."""
    input:
        friction=expand(
            f"{RESULTS}/friction/{{kernel}}/rs{{rs}}.nc",
            kernel=KERNEL_NAMES,
            rs=SWEEP_RS,
        ),
        code=code("make_friction_table"),
    output:
        report(
            f"{RESULTS}/tables/friction_sweep.csv",
            caption="../report/friction_sweep_table.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/make_friction_table/friction_sweep.log",
    run:
        run_script(rule, input, output, params, wildcards, log)


rule plot_friction_sweep:
    """Q0, Q_par, Q_perp, d_eq and omega_vib against rs, one line per kernel."""
    input:
        friction=expand(
            f"{RESULTS}/friction/{{kernel}}/rs{{rs}}.nc",
            kernel=KERNEL_NAMES,
            rs=SWEEP_RS,
        ),
        code=code("plot_friction_sweep"),
        params=params_stamp("plot_friction_sweep"),
    output:
        pdf=f"{RESULTS}/figures/friction_sweep.pdf",
        png=report(
            f"{RESULTS}/figures/friction_sweep.png",
            caption="../report/friction_sweep.rst",
            category="Figures",
        ),
    log:
        f"{LOGS}/plot_friction_sweep/friction_sweep.log",
    params:
        plot=cfg_keys("plot", APPEARANCE),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule sweep:
    """Target: the density sweep (friction, d_eq, omega_vib for every kernel and analysis.sweep_rs)."""
    input:
        SWEEP_OUTPUTS,


rule everything:
    """Target: the paper, the analysis tables, the density sweep, the clusters and the stopping power."""
    input:
        all_outputs(),
        SWEEP_OUTPUTS,
        CLUSTER_OUTPUTS,
        STOPPING_OUTPUTS,
