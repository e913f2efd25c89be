CLUSTERS = list(config["clusters"])
#: The animations show one (kernel, rs): plot.cluster_kernel and plot.cluster_rs, by default the first kernel
#: and the middle rs of the run.
ANIMATION_KERNEL = config["plot"]["cluster_kernel"] or KERNEL_NAMES[0]
ANIMATION_RS = (
    rs_label(config["plot"]["cluster_rs"])
    if config["plot"]["cluster_rs"] is not None
    else RS[len(RS) // 2]
)


wildcard_constraints:
    cluster="[a-z][a-z0-9_]*",


rule simulate_cluster:
    """A cluster of nuclei: relaxed geometry, modes from the poles, V_a(t) for the pulse."""
    input:
        chi=f"{RESULTS}/chi/{{kernel}}/rs{{rs}}.nc",
        equilibrium=f"{RESULTS}/equilibrium/{{kernel}}/rs{{rs}}.nc",
        pulse=f"{RESULTS}/pulse/rs{{rs}}.nc",
        code=code("simulate_cluster"),
        params=params_stamp("simulate_cluster"),
    output:
        f"{RESULTS}/cluster/{{kernel}}/rs{{rs}}_{{cluster}}.nc",
    log:
        f"{LOGS}/simulate_cluster/{{kernel}}/rs{{rs}}_{{cluster}}.log",
    resources:
        mem_mb=job_mb("simulate_cluster", config),
    params:
        cluster=lambda w: canonical(config["clusters"][w.cluster]),
        direct_field_sign=config["direct_field_sign"],
        frequency=cfg_keys("frequency", ("response_density", "max_time_error")),
        time=cfg("time"),
        pulse=cfg_keys("pulse", ("shape", "rise_time", "width", "frequency")),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule plot_cluster_paths:
    """Displacement paths of the nuclei of one cluster, panels per kernel (columns) and rs (rows)."""
    input:
        clusters=lambda w: expand(
            f"{RESULTS}/cluster/{{kernel}}/rs{{rs}}_{w.cluster}.nc",
            kernel=KERNEL_NAMES,
            rs=RS,
        ),
        code=code("plot_cluster_paths"),
        params=params_stamp("plot_cluster_paths"),
    output:
        pdf=f"{RESULTS}/figures/cluster_{{cluster}}_paths.pdf",
        png=report(
            f"{RESULTS}/figures/cluster_{{cluster}}_paths.png",
            caption="../report/cluster_paths.rst",
            category="Clusters",
        ),
    log:
        f"{LOGS}/plot_cluster_paths/{{cluster}}.log",
    params:
        plot=cfg_keys("plot", APPEARANCE),
    run:
        run_script(rule, input, output, params, wildcards, log)


rule animate_cluster:
    """GIF of one cluster moving under the pulse (plot.cluster_kernel at plot.cluster_rs)."""
    input:
        cluster=lambda w: f"{RESULTS}/cluster/{ANIMATION_KERNEL}/rs{ANIMATION_RS}_{w.cluster}.nc",
        code=code("animate_cluster"),
        params=params_stamp("animate_cluster"),
    output:
        report(
            f"{RESULTS}/figures/cluster_{{cluster}}.gif",
            caption="../report/cluster_animation.rst",
            category="Clusters",
        ),
    log:
        f"{LOGS}/animate_cluster/{{cluster}}.log",
    params:
        plot=cfg_keys("plot", APPEARANCE),
    run:
        run_script(rule, input, output, params, wildcards, log)


CLUSTER_OUTPUTS = expand(
    f"{RESULTS}/cluster/{{kernel}}/rs{{rs}}_{{cluster}}.nc",
    kernel=KERNEL_NAMES,
    rs=RS,
    cluster=CLUSTERS,
)
CLUSTER_OUTPUTS += expand(
    f"{RESULTS}/figures/cluster_{{cluster}}_paths.{{ext}}",
    cluster=CLUSTERS,
    ext=["pdf", "png"],
)
CLUSTER_OUTPUTS += expand(
    f"{RESULTS}/figures/cluster_{{cluster}}.gif", cluster=CLUSTERS
)


rule clusters:
    """Target: every cluster at every kernel and rs, their path figures and animations."""
    input:
        CLUSTER_OUTPUTS,
