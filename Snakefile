# Reproduces Nazarov, Todorov & Gross, "Viscous Current-Induced Forces", PRL 133, 026301 (2024).
#
#   snakemake --cores all            # the paper: results/figures, results/tables
#   snakemake -n                     # what would run
#   snakemake --report report.html   # HTML report with every figure and its caption
#
# Stages (one rule file each, outputs under results/<stage>/):
#   tabulate_kernel -> compute_chi -> find_equilibrium -> solve_response -> compute_velocity
#   derive_pulse (pulse length per rs), figures, tables, analyses; clusters of nuclei (`snakemake clusters`);
#   the stopping power S(v) of an ion for every kernel (`snakemake stopping`).
# Each rule's code inputs are the package modules its script imports (workflow/rules/common.smk).


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/kernel.smk"
include: "workflow/rules/chi.smk"
include: "workflow/rules/equilibrium.smk"
include: "workflow/rules/response.smk"
include: "workflow/rules/pulse.smk"
include: "workflow/rules/velocity.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/cluster.smk"
include: "workflow/rules/stopping.smk"
include: "workflow/rules/analysis.smk"


rule all:
    default_target: True
    input:
        all_outputs(),


for _kernel in KERNEL_NAMES:  # every code stamp written while the imports are cached
    kernel_stamp(_kernel)
save_import_cache(IMPORT_CACHE)
jobs.collect_less()  # the parsed workflow is not garbage: the collector need not scan it
