"""gpucompute.execution (being built)."""
