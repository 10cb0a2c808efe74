"""Redis-backed state: tokens, OTP challenges and counters. Every key has a TTL."""
