"""Builders of one area's services each, called from app/container.py's build_services."""
