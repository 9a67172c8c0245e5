"""Publishing gold and platinum into Postgres."""
