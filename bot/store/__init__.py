"""Storage on Redis: the lead store (its layout is drawn in leads.py; the team board's in
bot/team/board.py), the connection, and automatic pipelining of the hot-path script."""
