"""pytest configuration: reproducible property tests.

Hypothesis draws its examples from a fixed seed (``derandomize``), so a test run, and a mutation
run (``make mutation``), sees the same examples every time; ``--hypothesis-profile=explore`` draws
fresh random examples.
"""

from hypothesis import settings

settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile("default")
