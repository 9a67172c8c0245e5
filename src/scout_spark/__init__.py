"""Scout Lakehouse: Spark + Delta Lake medallion for Scout retail data."""

__version__ = "0.1.0"
