"""alsatlas.figures."""
