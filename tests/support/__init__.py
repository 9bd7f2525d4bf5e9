"""Helpers shared by several test directories (import as ``tests.support.<module>``)."""
