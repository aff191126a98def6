"""Test helpers: oracle comparisons against NumPy / numpy.ma and random masked data.

Used by gpucompute's own tests and benchmarks; also useful to anyone adding a
backend or a kernel.
"""

from gpucompute.testing._backends import unavailable_reason
from gpucompute.testing.oracle import (
    DTYPES,
    FLOAT_DTYPES,
    INT_DTYPES,
    assert_array_matches,
    assert_masked_matches,
    expected_dtype,
    random_array,
    random_mask,
    to_host,
    tolerance,
)

__all__ = [
    "DTYPES",
    "FLOAT_DTYPES",
    "INT_DTYPES",
    "assert_array_matches",
    "assert_masked_matches",
    "expected_dtype",
    "random_array",
    "random_mask",
    "to_host",
    "tolerance",
    "unavailable_reason",
]
