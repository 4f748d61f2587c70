"""The outbox: every message Twoway sends (e-mail today) is a row written in the transaction of the change
that causes it, and sent by a worker. It imports no domain app."""
