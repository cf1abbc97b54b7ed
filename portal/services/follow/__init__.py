"""关注: follow a campaign, problem or measure by e-mail (double opt-in), hear of its events, read them as Atom.

targets (what can be followed), tokens (the signed links), subscriptions (subscribe, confirm, unsubscribe, manage),
events (written by the ledger and report importers and by answer publication), mails (what a follower receives),
sender (events → outbox, once per follower and event) and feeds (the Atom feeds' entries).
"""
