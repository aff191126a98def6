"""gpucompute.catalog (being built)."""
