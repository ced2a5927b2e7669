"""Models of the app (SPEC §11)."""
