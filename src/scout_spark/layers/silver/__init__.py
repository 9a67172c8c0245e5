"""Silver: cast, check, deduplicate, keep customer history."""
