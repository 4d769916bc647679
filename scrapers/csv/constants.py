"""CSV with the interchange column names (docs/interchange.md); the codec is storage/interchange.py."""

MAX_ERRORS = 1000
