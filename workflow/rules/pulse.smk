def pulse_inputs(wildcards):
    """The RPA responses of both geometries, unless T is set explicitly for this rs."""
    if explicit_duration(wildcards.rs) is not None:
        return []
    return expand("results/response/rpa/rs{rs}_{geometry}.nc", rs=wildcards.rs, geometry=["parallel", "perpendicular"])


def explicit_duration(rs):
    pulse = config["pulse"]
    return pulse["durations"].get(rs, pulse["duration"])


rule derive_pulse:
    """Pulse length T per rs: decay_times / slowest RPA Markov rate, or the configured value."""
    input:
        pulse_inputs,
    output:
        "results/pulse/rs{rs}.nc",
    params:
        decay_times=config["pulse"]["decay_times"],
        duration=lambda w: explicit_duration(w.rs),
    log:
        "logs/derive_pulse/rs{rs}.log",
    benchmark:
        "results/benchmarks/derive_pulse/rs{rs}.tsv"
    script:
        "../scripts/derive_pulse.py"
