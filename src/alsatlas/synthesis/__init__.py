"""alsatlas.synthesis."""
