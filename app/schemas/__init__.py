"""Marshmallow request schemas. Unknown fields are refused (marshmallow's default)."""
