"""Delivery of queued reminders over email (SMTP) and 钉钉 / 企业微信 group robots.

Sits above track (which queues messages and keeps the outbox) and below the faces; it is the
only place that talks to the network."""
