"""Browser and live-log tests; a package so that its conftest never shadows tests/server's."""
