"""A botocore S3 client for what Spark does not do (conditional PUTs, marker files under
Connect), configured as session.py configures S3A. Credentials: AWS's default chain."""

from typing import Any

import botocore.session
from botocore.config import Config as BotoConfig

from scout_spark.config.model import S3Config


def s3_client(s3: S3Config) -> Any:
    """A botocore S3 client configured as session.py configures S3A (endpoint, style, SSL)."""
    endpoint = s3.endpoint
    if endpoint and "://" not in endpoint:  # S3A accepts a bare host name
        endpoint = f"{'https' if s3.ssl_enabled else 'http'}://{endpoint}"
    return botocore.session.get_session().create_client(
        "s3",
        region_name=s3.region,
        endpoint_url=endpoint,
        use_ssl=s3.ssl_enabled,
        config=BotoConfig(
            s3={"addressing_style": "path" if s3.path_style_access else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=10,
            read_timeout=30,
        ),
    )
