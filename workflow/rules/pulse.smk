rule derive_pulse:
    """Pulse length T per rs: decay_times / slowest RPA Markov rate, or the configured value."""
    input:
        responses=pulse_inputs,
        code=code("derive_pulse"),
        params=params_stamp("derive_pulse"),
    output:
        f"{RESULTS}/pulse/rs{{rs}}.nc",
    log:
        f"{LOGS}/derive_pulse/rs{{rs}}.log",
    priority: 4  # see common.smk: what gates the longest chain of later jobs first
    resources:
        mem_mb=job_mb("derive_pulse", config),
    params:
        pulse=lambda w: {
            "decay_times": config["pulse"]["decay_times"],
            "duration": explicit_duration(w.rs),
        },
    run:
        run_script(rule, input, output, params, wildcards, log)
