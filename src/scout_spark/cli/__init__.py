"""Command-line plumbing shared by every job."""
