"""Test helpers: real servers started for the session, and the AuthFlow helper."""
