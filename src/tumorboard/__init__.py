"""tumorboard: transparent clinical decision support for metastatic bone disease and soft-tissue sarcoma."""

__version__ = "0.1.0"
