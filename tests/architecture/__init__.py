"""Checks on the shape of app/ itself: no import cycles, no module over its size."""
