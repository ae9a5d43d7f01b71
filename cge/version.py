"""The version of cge (one place; the package and its outputs read it from here)."""

__version__ = "0.1.0"
