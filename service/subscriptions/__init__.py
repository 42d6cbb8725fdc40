"""Subscriptions: who follows what (`following`), the scheduled jobs (`scheduler`), what one
run does (`runs`), what counts as a change and how it reads (`changes`), "What changed?" on
demand (`what_changed`), and the outbox that delivers the reports (`outbox`)."""
