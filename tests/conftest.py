"""pytest configuration: reproducible property tests, and fixture scopes for mutation testing.

Hypothesis draws its examples from a fixed seed (``derandomize``), so a test run, and a mutation
run (``make mutation``), sees the same examples every time; ``--hypothesis-profile=explore`` draws
fresh random examples.

Under mutation testing the fast unit tests run first (:data:`MUTATION_ORDER`).

Expensive data fixtures are computed once per module (:func:`data_scope`), except while mutmut
records which tests call which package functions: a module-scoped fixture is computed inside the
first test that asks for it only, so every other test that reads the fixture would not be run
against the mutants of the functions it checks.
"""

import os

from hypothesis import settings

settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile("default")


def data_scope(fixture_name, config):
    """``module``, or ``function`` while mutmut records which tests call which functions.

    mutmut sets ``MUTANT_UNDER_TEST=stats`` for that recording; while it tests one mutant the
    selected tests of a module may share the fixture again (it is computed with that mutant).
    """
    return "function" if os.environ.get("MUTANT_UNDER_TEST") == "stats" else "module"


#: Under mutation testing, the unit tests run before the chain tests: pytest stops at the first
#: failure (``-x``), so a mutant that a fast test kills costs only that test.
MUTATION_ORDER = (
    "test_kernels.py",
    "test_kernel_registry.py",
    "test_lindhard.py",
    "test_pulses.py",
    "test_properties.py",
    "test_stage_contracts.py",
    "test_statics.py",
    "test_chi_map.py",
    "test_reliability.py",
    "test_charges.py",
    "test_dynamics.py",
    "test_timedomain.py",
    "test_regression.py",
    "test_pipeline.py",
)


#: mutmut's own phases (recording, clean and forced-fail runs, listing); any other value names a mutant.
_MUTMUT_PHASES = {"", "stats", "fail", "list_all_tests", "mutant_generation"}


def pytest_collection_modifyitems(config, items):
    """Under mutation testing: unit tests first; while a mutant is tested, only the test modules of
    :data:`MUTATION_ORDER` (the tests of the cluster and analysis modules, which are not mutated and
    are the slowest, are left out to keep ``make mutation`` to about an hour and a half on 2 cores)."""
    phase = os.environ.get("MUTANT_UNDER_TEST")
    if phase is None:
        return
    rank = {name: i for i, name in enumerate(MUTATION_ORDER)}
    if phase not in _MUTMUT_PHASES:
        dropped = [item for item in items if item.path.name not in rank]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if item.path.name in rank]
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
