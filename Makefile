# Two commands do everything on a fresh machine with python3 and make:
#   make paper   set up .venv with the pinned runtime dependencies and the package, reproduce the paper
#   make test    set up the same .venv plus the pinned development tools, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
SLURM := $(VENV)/.slurm-installed
# The SLURM executor for the test suite, outside the venv's site-packages: only the SLURM test puts
# it on PYTHONPATH, so the suite's other Snakemake runs start as those of `make paper` do.
SLURM_TEST_PLUGIN := $(VENV)/slurm-plugin
CORES ?= all

.PHONY: setup setup-dev setup-slurm paper analysis test test-fast bench lint format docs mutation report readme tiny clean distclean

$(RUNTIME): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m compileall -q src  # byte-compile once: workflow jobs start faster
	touch $(RUNTIME)

$(DEV): $(RUNTIME) requirements-dev.txt requirements-slurm.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	rm -rf $(SLURM_TEST_PLUGIN)
	$(BIN)/python -m pip install --quiet --no-deps --target $(SLURM_TEST_PLUGIN) -r requirements-slurm.txt -c constraints.txt
	touch $(DEV)

$(SLURM): $(RUNTIME) requirements-slurm.txt
	$(BIN)/python -m pip install --quiet -r requirements-slurm.txt -c constraints.txt
	touch $(SLURM)

setup: $(RUNTIME)

setup-dev: $(DEV)

setup-slurm: $(SLURM)

paper: $(RUNTIME)
	$(BIN)/snakemake --cores $(CORES)

analysis: $(RUNTIME)
	$(BIN)/snakemake --cores $(CORES) everything

test: $(DEV)
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: $(DEV)
	$(BIN)/python -m pytest -n 2 -m "not slow and not slurm" $(PYTEST_ARGS)

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules

format: $(DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/snakefmt Snakefile workflow/rules

docs: $(DEV)
	$(BIN)/python scripts/config_reference.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

mutation: $(DEV)
	$(BIN)/python scripts/mutation.py

bench: $(DEV)
	$(BIN)/python -m benchmarks
	$(BIN)/python scripts/update_readme.py

readme: $(RUNTIME)
	$(BIN)/python scripts/update_readme.py

report: $(RUNTIME)
	@echo "make report: runs 'snakemake everything' first (the paper, the analysis tables, the density sweep and"
	@echo "the clusters; README.md gives its job count and cold wall time; seconds when up to date),"
	@echo "then writes results/report.html"
	$(BIN)/snakemake --cores $(CORES) everything
	$(BIN)/snakemake --report results/report.html everything

tiny: $(RUNTIME)
	$(BIN)/snakemake --cores $(CORES) --configfile tests/configs/tiny.yaml

clean:
	rm -rf results logs .snakemake site mutants

distclean: clean
	rm -rf $(VENV)
