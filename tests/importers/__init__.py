"""Tests of otmlops.importers."""
