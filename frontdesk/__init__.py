"""Front-desk service (:8081): staff page and JSON API for booking and hand-off requests, plus the outbox worker
that e-mails and webhooks the front desk about new requests. Run with `python -m frontdesk`."""
