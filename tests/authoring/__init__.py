"""Tests of otmlops.authoring."""
