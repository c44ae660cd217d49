"""Developer scripts; a package so that tests can import them (tests/e2e/test_discovery_upstream.py)."""
