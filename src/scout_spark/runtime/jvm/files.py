"""Files and small objects through the classic driver's Hadoop FileSystem (py4j)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pyspark.sql import SparkSession

from scout_spark.config.model import S3Config
from scout_spark.errors import SetupError
from scout_spark.runtime.filesystem import FileEntry, HadoopFs
from scout_spark.runtime.jvm.driver import is_connect


class JvmFs(HadoopFs):
    """HadoopFs through the classic driver's Hadoop FileSystem (py4j)."""

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
        statuses = self._fs.globStatus(self._path(pattern))
        return [] if statuses is None else [self._entry(s) for s in statuses]

    def qualify(self, path: str) -> str:
        return str(self._fs.makeQualified(self._path(path)).toString())

    def uri_of(self, path: str) -> str:
        return str(self._path(path).toUri().toString())

    def first_line(self, path: str) -> str:
        stream = self._fs.open(self._path(path))
        try:
            reader = self._jvm.java.io.BufferedReader(
                self._jvm.java.io.InputStreamReader(stream, "UTF-8")
            )
            return str(reader.readLine() or "")
        finally:
            stream.close()

    def status(self, path: str) -> FileEntry | None:
        try:
            return self._entry(self._fs.getFileStatus(self._path(path)))
        except Exception as exc:
            if "java.io.FileNotFoundException" in str(exc):
                return None
            raise

    def exists(self, path: str) -> bool:
        return bool(self._fs.exists(self._path(path)))

    def read_head_tail(self, path: str, size: int, nbytes: int = 8) -> tuple[bytes, bytes]:
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


def delete_tree(spark: SparkSession, path: str, s3: S3Config | None = None) -> None:
    """Remove a folder and all under it (a probe table): Hadoop FileSystem, or the store."""
    if is_connect(spark):
        from scout_spark.runtime.connect_fs import delete_tree as delete_in_store

        delete_in_store(path, s3)
        return
    JvmFs(spark, path).delete(path, recursive=True)


class HadoopObject:
    """One small object through the classic driver's Hadoop FileSystem (lock fallback)."""

    def __init__(self, spark: SparkSession, path: str) -> None:
        if is_connect(spark):
            raise SetupError(
                f"the lock at {path} needs a Hadoop FileSystem, which a Spark Connect client "
                "does not have: put lake.root on a local path or S3 to run over Connect"
            )
        self._jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        self._path = self._jvm.org.apache.hadoop.fs.Path(path)
        self._fs = self._path.getFileSystem(conf)

    def write(self, content: bytes, overwrite: bool) -> str | None:
        """Its sha256 token, or None when it exists and `overwrite` is False."""
        try:
            stream = self._fs.create(self._path, overwrite)
        except Exception as exc:
            if "FileAlreadyExists" in str(exc) or "PreconditionFailed" in str(exc):
                return None
            raise
        stream.write(bytearray(content))
        stream.close()
        return hashlib.sha256(content).hexdigest()

    def read(self) -> bytes | None:
        if not self._fs.exists(self._path):
            return None
        stream = self._fs.open(self._path)
        try:
            return bytes(self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
        finally:
            stream.close()

    def delete(self) -> bool:
        return bool(self._fs.delete(self._path, False))
