"""A lock object on S3 through botocore: conditional PUT and DELETE, no Hadoop, no JVM.

create is PutObject If-None-Match: * and replace is PutObject If-Match: <ETag>; S3 (and
the local endpoint) answers 412 to the loser, so exactly one writer wins each round.
The record is a single small PUT: If-Match is not honoured on multipart uploads by
every endpoint. Credentials come from the AWS default chain, like S3A's.
"""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scout_spark.config.model import S3Config
from scout_spark.errors import StorageUnreachableError
from scout_spark.lake.lock_store import LockStore
from scout_spark.runtime.s3_client import s3_client

# 412: the condition failed; 409: a concurrent conditional write to the key is in flight.
LOST_CODES = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")
ABSENT_CODES = ("NoSuchKey", "404")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3LockStore(LockStore):
    """The lock object s3://bucket/key (s3a:// and s3n:// name the same object)."""

    def __init__(self, s3: S3Config, bucket: str, key: str, location: str) -> None:
        self.location, self.bucket, self.key = location, bucket, key
        self._client = s3_client(s3)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        try:
            call = getattr(self._client, operation)
            return dict(call(Bucket=self.bucket, Key=self.key, **params))
        except BotoCoreError as exc:  # no credentials, endpoint unreachable, ...
            raise StorageUnreachableError(
                f"cannot reach the lock {self.location}: {type(exc).__name__}"
            ) from None

    def _put(self, content: bytes, **condition: str) -> str | None:
        try:
            response = self._call("put_object", Body=content, **condition)
        except ClientError as exc:
            if _code(exc) not in LOST_CODES + ABSENT_CODES:
                raise self._unreachable(exc) from None
            # A retried PUT whose first attempt landed also sees 412: it is still ours.
            current = self.read()
            return current[1] if current is not None and current[0] == content else None
        return str(response["ETag"])

    def _unreachable(self, exc: ClientError) -> StorageUnreachableError:
        return StorageUnreachableError(f"cannot write the lock {self.location}: {_code(exc)}")

    def create(self, content: bytes) -> str | None:
        return self._put(content, IfNoneMatch="*")

    def read(self) -> tuple[bytes, str] | None:
        try:
            response = self._call("get_object")
        except ClientError as exc:
            if _code(exc) in ABSENT_CODES:
                return None
            raise self._unreachable(exc) from None
        return response["Body"].read(), str(response["ETag"])

    def replace(self, content: bytes, version: str) -> str | None:
        return self._put(content, IfMatch=version)

    def delete(self, version: str) -> bool:
        try:
            self._call("delete_object", IfMatch=version)
        except ClientError as exc:
            if _code(exc) in LOST_CODES + ABSENT_CODES:
                return False
            raise self._unreachable(exc) from None
        return True
