"""Tests of otmlops.queries."""
