"""Benchmarks of the workflow and the package (``make bench`` = ``python -m benchmarks``).

Modules: ``machine`` (what ran where), ``workflow_runs`` (Snakemake runs and their per-job
records), ``startup`` (job start-up before and after the per-stage package layout),
``throughput`` (chi^h and the J integrals against naive and adaptive-quadrature baselines),
``naive`` (the plain-Python baseline), ``table`` (the results table).
"""
