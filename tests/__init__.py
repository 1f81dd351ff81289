"""The otmlops test suite: one folder per package under test, shared helpers in tests.support."""
