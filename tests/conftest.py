"""pytest configuration: reproducible property tests, and fixture scopes for mutation testing.

Hypothesis draws its examples from a fixed seed (``derandomize``), so a test run, and a mutation
run (``make mutation``), sees the same examples every time; ``--hypothesis-profile=explore`` draws
fresh random examples.

Expensive data fixtures are computed once per module (:func:`data_scope`), except under mutation
testing: mutmut attributes the package functions a test calls to that test, and a module-scoped
fixture is computed inside the first test that asks for it only, so every other test that reads the
fixture would not be run against the mutants of the functions it checks.
"""

import os

from hypothesis import settings

settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile("default")


def data_scope(fixture_name, config):
    """``module``, or ``function`` while mutmut runs the tests (it sets ``MUTANT_UNDER_TEST``)."""
    return "function" if os.environ.get("MUTANT_UNDER_TEST") else "module"
