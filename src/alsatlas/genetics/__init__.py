"""alsatlas.genetics."""
