"""alsatlas: is ALS an autoimmune disease? An evidence engine over published numbers.

Layers (imports only point down): ``evidence`` and ``stats``/``genetics`` at the bottom,
``synthesis`` above them, and the faces ``cli``, ``report`` and ``web`` on top.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
