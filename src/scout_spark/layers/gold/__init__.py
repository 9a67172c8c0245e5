"""Gold: business-ready transactions, items and daily aggregates."""
