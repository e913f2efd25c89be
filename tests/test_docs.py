"""The documentation: the configuration reference is current and equations render offline."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest
import yaml

from workflow_helpers import REPO


def test_configuration_reference_is_current():
    """docs/configuration.md is committed and matches the schema (scripts/config_reference.py --check)."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "config_reference.py"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _mkdocs_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)


def test_the_site_loads_nothing_from_the_network():
    cfg = _mkdocs_config()
    scripts = cfg.get("extra_javascript", []) + cfg.get("extra_css", [])
    assert scripts and not any("://" in str(s) for s in scripts), scripts
    assert cfg["theme"].get("font") is False  # no web fonts


def test_mathjax_is_copied_into_the_site(tmp_path):
    spec = importlib.util.spec_from_file_location("mathjax_local", REPO / "docs" / "hooks" / "mathjax_local.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    if not hook.mathjax_source().is_dir():
        pytest.fail("MathJax is not installed: pip install -r requirements-dev.txt")
    dest = hook.copy_mathjax(tmp_path)
    script = dest / "tex-mml-chtml.js"
    assert script.stat().st_size > 1e6 and b"MathJax" in script.read_bytes()  # MathJax 3.2.2: 1.17 MB
    assert len(list((dest / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))) > 20
    cfg = _mkdocs_config()
    assert str(hook.TARGET / "tex-mml-chtml.js") in cfg["extra_javascript"]


def _facts_module():
    spec = importlib.util.spec_from_file_location("facts", REPO / "scripts" / "facts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: How run times, job counts and test counts read in prose; each must sit inside a fact marker.
_QUOTED = re.compile(r"\b\d[\d,]* (?:jobs|tests)\b|\b(?:about|under|in) \d+(?:\.\d+)? (?:s|min|minutes|seconds)\b")
#: Generated blocks (benchmark tables, mutation report) and code: not prose.
_GENERATED = re.compile(r"<!-- (?P<name>[A-Z_]+):START -->.*?<!-- (?P=name):END -->|```.*?```", re.S)


def test_quoted_numbers_come_from_the_facts():
    """Every run time, job count and test count quoted in README.md and docs/ is a fact marker whose
    value is the current one (scripts/facts.py), and no such number is typed outside a marker."""
    facts = _facts_module()
    values = facts.facts()
    assert {"paper_jobs", "paper_wall", "everything_jobs"} <= set(values), "benchmarks/results.json is missing"
    seen = set()
    for doc in facts.DOCUMENTS:
        text = doc.read_text()
        for name, value in facts.quoted(text):
            seen.add(name)
            assert name in values, f"{doc.name}: fact {name!r} has no source"
            assert value == values[name], f"{doc.name}: {name} = {value!r}, current {values[name]!r}"
        prose = _GENERATED.sub("", facts.FACT.sub("", text))
        typed = _QUOTED.findall(prose)
        assert not typed, f"{doc.name}: numbers typed outside fact markers: {typed}"
    assert {"paper_jobs", "test_count"} <= seen
