"""Wiring of one area each, called from app/container.py's build_services."""
