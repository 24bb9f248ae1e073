"""Texts out: the sender interface with its dry-run, and Twilio through its official SDK."""
