"""Benchmarks of the service against the best achievable baseline, measured in one run on one machine."""
