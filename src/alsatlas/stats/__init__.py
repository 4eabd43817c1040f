"""alsatlas.stats."""
