"""Configuration: typed model and loader."""

from scout_spark.config.loader import load_config
from scout_spark.config.model import Config

__all__ = ["Config", "load_config"]
