"""Kernel discovery: built-in modules and installed entry points, the names they give, the module file the
workflow tracks, the refusals, and the immutability of a kernel's defaults and checks."""

from __future__ import annotations

import importlib
import textwrap
import uuid
from importlib.metadata import EntryPoint
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

import viscous_forces.core.kernels as kernels
from viscous_forces.core.kernels import ENTRY_POINT_GROUP, Kernel, check_positive

PLUGIN = """
import numpy as np
from viscous_forces.core.kernels import Kernel


def _f(q, omega, rs):
    return np.full(np.broadcast_shapes(np.shape(q), np.shape(omega)), -0.5 + 0j)


KERNEL = Kernel(function=_f, defaults={}, dynamic=False, description="constant", label="C")
"""
NOT_A_KERNEL = """
KERNEL = "not a kernel"
"""


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    """Two installed entry-point kernels (``ep_first``, ``ep_second``), a second name (``ep_alias``) for the
    first one's object, one that is no kernel (``ep_bad``) and one whose module is not installed."""
    tag = uuid.uuid4().hex[:8]  # fresh module names: a test process may import the plugins more than once
    for module in ("first", "second"):
        (tmp_path / f"vf_{tag}_{module}.py").write_text(textwrap.dedent(PLUGIN))
    (tmp_path / f"vf_{tag}_bad.py").write_text(textwrap.dedent(NOT_A_KERNEL))
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [
        EntryPoint("ep_first", f"vf_{tag}_first:KERNEL", ENTRY_POINT_GROUP),
        EntryPoint("ep_second", f"vf_{tag}_second:KERNEL", ENTRY_POINT_GROUP),
        EntryPoint("ep_alias", f"vf_{tag}_first:KERNEL", ENTRY_POINT_GROUP),
        EntryPoint("ep_bad", f"vf_{tag}_bad:KERNEL", ENTRY_POINT_GROUP),
        EntryPoint("ep_gone", f"vf_{tag}_not_installed:KERNEL", ENTRY_POINT_GROUP),
    ]

    def entry_points(*, group):
        return [ep for ep in eps if ep.group == group] if group == ENTRY_POINT_GROUP else []

    monkeypatch.setattr(kernels, "entry_points", entry_points)
    monkeypatch.setattr(kernels, "_FOUND", {})
    return tmp_path, tag


def test_entry_point_kernels_are_found_listed_and_tracked(plugins):
    for name in ("ep_first", "ep_second"):
        kernel = kernels.get_kernel(name)
        assert kernel.name == name and kernels.get_kernel(name) is kernel  # cached
        np.testing.assert_array_equal(kernel(np.array([1.0, 2.0]), 0.0, 2.0), [-0.5, -0.5])
        path, tag = plugins
        assert kernels.kernel_module_file(name) == str(path / f"vf_{tag}_{name[3:]}.py")
    assert kernels.available_kernels() == [
        "alda",
        "ep_alias",
        "ep_bad",
        "ep_first",
        "ep_gone",
        "ep_second",
        "mcp07",
        "rmcp07",
        "rpa",
    ]
    assert kernels.kernel_module_file("ep_gone") is None  # its module is not installed: nothing to track


def test_a_kernel_is_named_by_where_it_is_found(plugins):
    """The name is given once, by the module file or the entry point: a Kernel takes none, so no module or
    entry point can disagree with the kernel it defines."""
    with pytest.raises(TypeError, match="name"):
        Kernel(name="other", function=lambda q, w, rs: 0.0, defaults={}, dynamic=False, description="", label="")
    first, alias = kernels.get_kernel("ep_first"), kernels.get_kernel("ep_alias")
    assert (first.name, alias.name) == ("ep_first", "ep_alias")  # one object, two entry points, two names
    assert alias.function is first.function and alias == first
    assert kernels.get_kernel("ep_first").name == "ep_first"  # naming the alias leaves the first alone
    path, tag = plugins
    assert kernels.kernel_module_file("ep_alias") == str(path / f"vf_{tag}_first.py")
    unnamed = Kernel(function=lambda q, w, rs: 0.0, defaults={}, dynamic=False, description="", label="")
    assert unnamed.name == "" and kernels.get_kernel(unnamed) is unnamed  # not found by name: no name


def test_entry_point_refusals(plugins):
    with pytest.raises(
        ValueError, match=r"entry point vf_\w+_bad:KERNEL must define KERNEL = Kernel\(\.\.\.\) for kernel 'ep_bad'"
    ):
        kernels.get_kernel("ep_bad")
    for call in (kernels.get_kernel, kernels.kernel_module_file):
        with pytest.raises(ValueError, match=r"unknown kernel 'ep_none'; available: alda, ep_alias, ep_bad, ep_first"):
            call("ep_none")


def test_builtin_kernels_are_modules_of_the_package():
    assert kernels.available_kernels() == ["alda", "mcp07", "rmcp07", "rpa"]
    path = kernels.kernel_module_file("rmcp07")
    assert path.endswith("viscous_forces/core/kernels/rmcp07.py")
    for name in ("alda", "mcp07", "rmcp07", "rpa"):  # named after the module; the module names it nowhere else
        module = importlib.import_module(f"viscous_forces.core.kernels.{name}")
        assert kernels.get_kernel(name) is module.KERNEL and module.KERNEL.name == name
        assert f'"{name}"' not in Path(module.__file__).read_text()


def test_defaults_and_checks_are_read_only_copies():
    defaults, checks = {"a": 1.0}, {"a": lambda v: check_positive("a", v)}
    k = Kernel(function=lambda q, w, rs, a: a, defaults=defaults, dynamic=False, description="", label="")
    k2 = Kernel(lambda q, w, rs, a: a, defaults, False, "", "", checks=checks)
    defaults["a"] = 2.0
    checks.clear()
    assert isinstance(k.defaults, MappingProxyType) and isinstance(k2.checks, MappingProxyType)
    assert dict(k.defaults) == {"a": 1.0} and set(k2.checks) == {"a"}
    with pytest.raises(TypeError):
        k.defaults["a"] = 3.0
    with pytest.raises(ValueError, match="parameter a must be finite and > 0, got -1"):
        k2.params(a=-1)


def test_check_positive_bounds():
    assert check_positive("x", 0.25) == 0.25 and check_positive("x", "3") == 3.0
    assert check_positive("x", 2.0, lo=2.0, hi=2.0) == 2.0
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match=r"parameter x must be finite and > 0, got"):
            check_positive("x", bad)
    with pytest.raises(ValueError, match=r"must be finite and > 0 in \[1, 2\], got 3"):
        check_positive("x", 3.0, lo=1.0, hi=2.0)
    with pytest.raises(ValueError, match=r"must be finite and > 0 in \[1, inf\], got 0.5"):
        check_positive("x", 0.5, lo=1.0)
    with pytest.raises(ValueError, match="must be a positive number, got 'a'"):
        check_positive("x", "a")


def test_kernel_input_refusals():
    k = kernels.get_kernel("rpa")
    with pytest.raises(ValueError, match=r"q must be real \(bohr\^-1\), got a complex array"):
        k(np.array([1.0 + 0.5j]), 0.0, 2.0)
    with pytest.raises(ValueError, match=r"q must be a real array of wave vectors \(bohr\^-1\), got 'x'"):
        k("x", 0.0, 2.0)
    with pytest.raises(ValueError, match=r"omega must be a real array of frequencies \(Ha\), got 'x'"):
        k(1.0, "x", 2.0)
    with pytest.raises(ValueError, match=r"q shape \(2,\) and omega shape \(3,\) do not broadcast"):
        k(np.ones(2), np.ones(3), 2.0)


def test_im_slope_uses_the_parameters():
    q = np.array([0.5, 1.0, 2.0])
    base = kernels.im_slope("rmcp07", q, 4.0)
    other = kernels.im_slope("rmcp07", q, 4.0, c_prime=2.0)
    assert np.all(base < 0) and np.all(np.abs(other - base) > 1e-6 * np.abs(base))
    np.testing.assert_array_equal(kernels.im_slope("mcp07", q, 4.0, correlation="PZ81"), 0.0)
