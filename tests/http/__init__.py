"""Tests of otmlops.http."""
