"""Tests of otmlops.web."""
