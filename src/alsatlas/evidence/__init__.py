"""alsatlas.evidence."""
