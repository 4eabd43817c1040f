"""alsatlas.report."""
