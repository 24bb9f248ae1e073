"""Running the product: settings and the configuration file, wiring the parts together, the
lifecycle inside the event loop, background jobs and the arq worker, logs and metrics."""
