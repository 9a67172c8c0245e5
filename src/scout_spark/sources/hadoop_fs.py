"""Thin access to the Hadoop FileSystem of any root (s3a://, abfss://, file:)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyspark.sql import SparkSession


@dataclass(frozen=True)
class FileEntry:
    """One listed object: full path, size in bytes, modification time, folder or not."""

    path: str
    size: int
    modified_at: datetime
    is_dir: bool


class HadoopFs:
    """Listing, globbing and small reads through the session's Hadoop configuration."""

    def __init__(self, spark: SparkSession, root: str) -> None:
        self._jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        self._fs: Any = self._path(root).getFileSystem(conf)

    def _path(self, path: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(path)

    @staticmethod
    def _entry(status: Any) -> FileEntry:
        return FileEntry(
            path=status.getPath().toString(),
            size=int(status.getLen()),
            modified_at=datetime.fromtimestamp(status.getModificationTime() / 1000, UTC),
            is_dir=bool(status.isDirectory()),
        )

    def glob(self, pattern: str) -> list[FileEntry]:
        """Entries matching a Hadoop glob ([], *, ?, {a,b}); empty when nothing matches."""
        statuses = self._fs.globStatus(self._path(pattern))
        return [] if statuses is None else [self._entry(s) for s in statuses]

    def list_dir(self, path: str) -> list[FileEntry]:
        """Direct children of a folder."""
        return [self._entry(s) for s in self._fs.listStatus(self._path(path))]

    def qualify(self, path: str) -> str:
        """The fully qualified form listings use (e.g. file:/x for file:///x)."""
        return str(self._fs.makeQualified(self._path(path)).toString())

    def uri_of(self, path: str) -> str:
        """The URI string Spark's `_metadata.file_path` uses for this path (spaces as %20)."""
        return str(self._path(path).toUri().toString())

    def first_line(self, path: str) -> str:
        """The first line of a text file, decoded as UTF-8."""
        stream = self._fs.open(self._path(path))
        try:
            reader = self._jvm.java.io.BufferedReader(
                self._jvm.java.io.InputStreamReader(stream, "UTF-8")
            )
            return str(reader.readLine() or "")
        finally:
            stream.close()

    def status(self, path: str) -> FileEntry | None:
        """The file's current entry, or None when it is gone."""
        try:
            return self._entry(self._fs.getFileStatus(self._path(path)))
        except Exception as exc:
            if "java.io.FileNotFoundException" in str(exc):
                return None
            raise

    def exists(self, path: str) -> bool:
        return bool(self._fs.exists(self._path(path)))

    def read_head_tail(self, path: str, size: int, nbytes: int = 8) -> tuple[bytes, bytes]:
        """The first and last `nbytes` bytes of a file (for magic-number checks)."""
        stream = self._fs.open(self._path(path))
        try:
            head = bytearray()
            for _ in range(min(nbytes, size)):
                head.append(stream.read() & 0xFF)
            tail = bytearray()
            if size > nbytes:
                stream.seek(max(size - nbytes, 0))
                for _ in range(nbytes):
                    tail.append(stream.read() & 0xFF)
            return bytes(head), bytes(tail)
        finally:
            stream.close()

    def delete(self, path: str, recursive: bool = False) -> bool:
        return bool(self._fs.delete(self._path(path), recursive))
