"""Listing, globbing and small reads of any root (s3a://, abfss://, file:), classic or Connect.

`open_fs` picks the implementation: the driver's Hadoop FileSystem on a classic session
(runtime/jvm/), Spark's own file sources on a Spark Connect session (runtime/connect_fs.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from scout_spark.config.model import S3Config


@dataclass(frozen=True)
class FileEntry:
    """One listed object: full path, size in bytes, modification time, folder or not."""

    path: str
    size: int
    modified_at: datetime
    is_dir: bool


class HadoopFs(ABC):
    """What the sources and the lake catalog need of a filesystem."""

    @abstractmethod
    def glob(self, pattern: str) -> list[FileEntry]:
        """Entries matching a Hadoop glob ([], *, ?, {a,b}); empty when nothing matches."""

    @abstractmethod
    def qualify(self, path: str) -> str:
        """The fully qualified form listings use (e.g. file:/x for file:///x)."""

    @abstractmethod
    def uri_of(self, path: str) -> str:
        """The URI string Spark's `_metadata.file_path` uses for this path (spaces as %20)."""

    @abstractmethod
    def first_line(self, path: str) -> str:
        """The first line of a text file, decoded as UTF-8."""

    @abstractmethod
    def status(self, path: str) -> FileEntry | None:
        """The file's current entry, or None when it is gone."""

    @abstractmethod
    def exists(self, path: str) -> bool:
        """True when a file (hidden names such as _SUCCESS included) is at `path`."""

    @abstractmethod
    def read_head_tail(self, path: str, size: int, nbytes: int = 8) -> tuple[bytes, bytes]:
        """The first and last `nbytes` bytes of a file (for magic-number checks)."""


def open_fs(spark: SparkSession, root: str, s3: S3Config | None = None) -> HadoopFs:
    """The filesystem of `root` for this session; `s3` reaches S3 markers under Connect."""
    from scout_spark.runtime.jvm import JvmFs, is_connect

    if is_connect(spark):
        from scout_spark.runtime.connect_fs import ConnectFs

        return ConnectFs(spark, s3)
    return JvmFs(spark, root)
