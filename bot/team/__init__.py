"""The team side: the Slack desk (`/jorge` commands and buttons), the team board on Redis
(assignments, claims, outcomes), what the commands show, and the Slack messages themselves."""
