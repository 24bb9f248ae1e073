"""What the product tells its operators: structured JSON logs (phone numbers masked) and the
Prometheus metrics at GET /metrics."""
