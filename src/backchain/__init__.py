"""Backchain: posterior-chain training for lower back pain, run locally."""

__version__ = "0.1.0"
