"""gpucompute.types (being built)."""
