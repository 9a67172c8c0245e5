"""Sources: finding landed files and reading them."""
