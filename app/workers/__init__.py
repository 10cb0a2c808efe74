"""Workers of the auth-event stream (docs/operations.md, "Event workers").

`flask --app app events drain` runs them: the drain writes every event to `auth_events`
(consumer group "audit") and, with EVENT_WEBHOOK_URL set, the webhook delivery POSTs each
one, signed (consumer group "webhooks"). Consumer groups share the work among any number of
worker processes; entries a dead worker had taken are claimed by another after
EVENTS_CLAIM_IDLE_SECONDS. In development the app runs them in a thread (EVENTS_DRAIN_IN_PROCESS).
"""
