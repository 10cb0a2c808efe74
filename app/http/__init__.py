"""HTTP plumbing shared by every blueprint: problem responses, per-request middleware,
per-IP limits, request bodies and tokens, the request scope the services see, and the debug guard."""
