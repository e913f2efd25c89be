# Two commands do everything on a fresh machine with python3 and make:
#   make paper   set up .venv, install the pinned dependencies and the package, reproduce the paper
#   make test    set up the same way and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all

.PHONY: setup paper analysis test test-fast bench lint report readme tiny clean distclean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m compileall -q src  # byte-compile once: workflow jobs start faster
	touch $(STAMP)

setup: $(STAMP)

paper: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

analysis: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) everything

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not slurm"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_benchmarks.py
	$(BIN)/python scripts/update_readme.py

lint: $(STAMP)
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules

readme: $(STAMP)
	$(BIN)/python scripts/update_readme.py

report: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) everything
	$(BIN)/snakemake --report results/report.html everything

tiny: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --configfile tests/configs/tiny.yaml --directory results/tiny

clean:
	rm -rf results logs .snakemake

distclean: clean
	rm -rf $(VENV)
