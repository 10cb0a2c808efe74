"""What operators watch: Prometheus metrics (and their gunicorn hooks), the SMS budget
monitor, JSON logs and the readiness checks behind /readyz."""
