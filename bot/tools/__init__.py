"""What the `jorge` command runs besides the web app and the worker: chat, route, replay, eval and
the knowledge check."""
