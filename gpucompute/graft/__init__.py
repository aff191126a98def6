"""gpucompute.graft (being built)."""
