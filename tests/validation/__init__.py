"""Tests of otmlops.validation."""
