"""Tests of otmlops.ontology."""
