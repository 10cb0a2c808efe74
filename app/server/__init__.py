"""How gunicorn serves the app: a worker that reads requests whole, and problem JSON for its own errors."""
