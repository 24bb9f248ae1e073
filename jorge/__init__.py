"""The outermost layer: the web application (jorge/app.py) and the `jorge` command (jorge/cli.py)
put the layers below together. Nothing below imports from here."""
