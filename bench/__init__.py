"""Benchmarks of otp-auth: `make bench` runs bench.run, then bench.report writes docs/benchmarks.md."""
