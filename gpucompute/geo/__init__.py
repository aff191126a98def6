"""gpucompute.geo (being built)."""
