"""gpucompute.numpy (being built)."""
