"""Delta Lake access: versions, writes, time travel."""
