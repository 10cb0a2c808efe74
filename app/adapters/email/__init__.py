"""Email backends: console (development), file (an outbox of JSON lines) and smtp."""
