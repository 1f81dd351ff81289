"""Tests of otmlops.cli."""
