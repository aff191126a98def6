"""gpucompute.raster (being built)."""
