"""otmlops: the MLOps lifecycle placed on RAMI 4.0 and ISA-95, as a knowledge graph."""

__version__ = "0.1.0"
