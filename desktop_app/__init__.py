"""Marginalia: read sources side by side, highlight and tag claims, export them."""

__version__ = "0.1.0"
