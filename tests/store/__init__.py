"""Tests of otmlops.store."""
