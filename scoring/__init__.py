"""Instrument definitions, scoring and flags. Pure Python + numpy/pandas: no Qt, no I/O."""

__all__ = ["SCORING_PACKAGE_VERSION"]

SCORING_PACKAGE_VERSION = "0.1.0"
