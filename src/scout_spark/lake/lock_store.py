"""Where a table lock's holder record lives: one small object with compare-and-swap.

Every operation is conditional on a version token (the token `read` returned), so two
writers can never both believe they changed the record: create-if-absent, replace-if-
version-matches and delete-if-version-matches. Local paths and S3 need no JVM; other
schemes fall back to the Hadoop FileSystem (not atomic, see HadoopLockStore).
"""

import fcntl
import hashlib
import os
import uuid
from abc import ABC, abstractmethod
from urllib.parse import urlparse
from urllib.request import url2pathname

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.errors import ConfigError

S3_SCHEMES = ("s3", "s3a", "s3n")


class LockStore(ABC):
    """One lock object at `location`; each method is atomic on the backends that say so."""

    location: str

    @abstractmethod
    def create(self, content: bytes) -> str | None:
        """Write `content` if nothing is there; its version token, or None when taken."""

    @abstractmethod
    def read(self) -> tuple[bytes, str] | None:
        """The content and its version token; None when absent."""

    @abstractmethod
    def replace(self, content: bytes, version: str) -> str | None:
        """Write `content` if the object is still at `version`; the new token, or None."""

    @abstractmethod
    def delete(self, version: str) -> bool:
        """Remove the object if it is still at `version`; False when it changed or is gone."""


class LocalLockStore(LockStore):
    """A file on a local (POSIX) filesystem.

    Create links a complete temp file into place (link fails if the name exists), so a
    reader never sees a half-written record. Replace and delete compare the token and act
    while holding an flock on a sidecar guard file, which every replace and delete takes.
    """

    def __init__(self, path: str) -> None:
        self.location = self.path = path
        self._guard = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.guard")

    def _temp_with(self, content: bytes) -> str:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        temp = f"{self.path}.{uuid.uuid4().hex}.tmp"
        with open(temp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        return temp

    def create(self, content: bytes) -> str | None:
        temp = self._temp_with(content)
        try:
            os.link(temp, self.path)
        except FileExistsError:
            return None
        finally:
            os.unlink(temp)
        return self._token(os.stat(self.path).st_ino, content)

    @staticmethod
    def _token(inode: int, content: bytes) -> str:
        # The inode changes with every create and replace; the hash guards inode reuse.
        return f"{inode}-{hashlib.sha256(content).hexdigest()[:24]}"

    def read(self) -> tuple[bytes, str] | None:
        try:
            with open(self.path, "rb") as handle:  # the file is never changed in place
                content = handle.read()
                return content, self._token(os.fstat(handle.fileno()).st_ino, content)
        except FileNotFoundError:
            return None

    def _guarded(self) -> int:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd = os.open(self._guard, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def replace(self, content: bytes, version: str) -> str | None:
        temp = self._temp_with(content)
        fd = self._guarded()
        try:
            current = self.read()
            if current is None or current[1] != version:
                return None
            os.replace(temp, self.path)
            return self._token(os.stat(self.path).st_ino, content)
        finally:
            os.close(fd)  # releases the flock
            if os.path.exists(temp):
                os.unlink(temp)

    def delete(self, version: str) -> bool:
        fd = self._guarded()
        try:
            current = self.read()
            if current is None or current[1] != version:
                return False
            os.unlink(self.path)
            return True
        finally:
            os.close(fd)


class HadoopLockStore(LockStore):
    """Fallback for schemes without a native store (abfss:// for now): NOT atomic.

    Create is the FileSystem's create-without-overwrite and replace/delete compare then
    act, so two runs starting within the same moment can both hold the lock. An ADLS
    store (conditional Blob PUT with If-None-Match / If-Match) would replace this.
    A Spark Connect client has no FileSystem: HadoopObject says so in one line.
    """

    def __init__(self, spark: SparkSession | None, path: str) -> None:
        if spark is None:
            raise ConfigError(f"the lock at {path} needs a SparkSession (no native store)")
        from scout_spark.runtime.jvm import HadoopObject

        self.location = path
        self._object = HadoopObject(spark, path)

    def create(self, content: bytes) -> str | None:
        return self._object.write(content, overwrite=False)

    def read(self) -> tuple[bytes, str] | None:
        data = self._object.read()
        return None if data is None else (data, hashlib.sha256(data).hexdigest())

    def replace(self, content: bytes, version: str) -> str | None:
        current = self.read()
        if current is None or current[1] != version:
            return None
        return self._object.write(content, overwrite=True)

    def delete(self, version: str) -> bool:
        current = self.read()
        if current is None or current[1] != version:
            return False
        return self._object.delete()


def lock_store_for(path: str, config: Config, spark: SparkSession | None) -> LockStore:
    """The store of the lock at `path`: a local file, an S3 object, or the Hadoop fallback."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return LocalLockStore(url2pathname(parsed.path))
    if parsed.scheme in S3_SCHEMES:
        from scout_spark.lake.lock_store_s3 import S3LockStore  # it imports LockStore from here

        return S3LockStore(config.s3, parsed.netloc, parsed.path.lstrip("/"), path)
    return HadoopLockStore(spark, path)
