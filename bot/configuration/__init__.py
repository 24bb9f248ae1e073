"""What the product is told: settings from the environment (settings.py) and Jorge's markets and
team from the configuration file (config.py), each validated with a sentence when wrong."""
