"""Reference values as printed (a helper module, not a test file).

A value copied from a table carries the precision of its printed digits; ``printed`` returns it
with half a unit of its last digit, the tolerance such a value supports.
"""

from decimal import Decimal


def half_unit(text: str) -> float:
    """Half a unit of the last printed digit of the decimal string ``text`` ('1.098e-5' -> 5e-9)."""
    return 0.5 * 10.0 ** Decimal(text).as_tuple().exponent


def printed(text: str) -> tuple[float, float]:
    """(value, half a unit of its last printed digit) of a number given as a string."""
    return float(text), half_unit(text)
