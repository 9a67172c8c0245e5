"""HadoopFs for a Spark Connect client: listings and reads through Spark's own file sources.

Listing is the `binaryFile` source selecting path, length and modification time, never
content; reading a file's head is the `text` source with a limit. Spark's file index skips
names starting with `_` or `.` (even when named directly), so completeness markers such as
`_SUCCESS` are looked up in the store itself: a local path, or S3 through botocore.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlparse
from urllib.request import url2pathname

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, DataFrameReader, SparkSession
from pyspark.sql import functions as F

from scout_spark.config.model import S3Config
from scout_spark.errors import SetupError
from scout_spark.runtime.filesystem import FileEntry, HadoopFs

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)
# What java.net.URI leaves unquoted in a path: unreserved, punct, "/", "@".
_URI_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'(),;:$&+=/@"
)
S3_SCHEMES = ("s3", "s3a", "s3n")


def _split(path: str) -> tuple[str, str, str]:
    """(scheme, authority, path) of a Hadoop path string; scheme "" when it has none."""
    match = _SCHEME.match(path)
    if not match or len(match.group(1)) == 1:  # no scheme (or a Windows drive letter)
        return "", "", path
    scheme, rest = match.group(1), match.group(2)
    if rest.startswith("//"):
        authority, _, tail = rest[2:].partition("/")
        return scheme, authority, "/" + tail
    return scheme, "", rest


def _normal(path: str) -> str:
    """Hadoop Path's normal form: no repeated or trailing slashes (the root keeps its own)."""
    collapsed = re.sub("/+", "/", path)
    return collapsed.rstrip("/") or "/"


def qualify(path: str) -> str:
    """file:/x for /x, file:///x and file:/x; scheme://authority/x for the rest."""
    scheme, authority, tail = _split(path)
    if not scheme:
        return "file:" + _normal(os.path.abspath(tail))
    if scheme == "file" and not authority:
        return "file:" + _normal(tail)
    return f"{scheme}://{authority}{_normal(tail)}"


def _uri_char(ch: str) -> str:
    if ch in _URI_SAFE:
        return ch
    # java.net.URI keeps non-ASCII letters ("other"), but not controls or spaces.
    if ord(ch) > 127 and unicodedata.category(ch) not in ("Cc", "Zs", "Zl", "Zp"):
        return ch
    return "".join(f"%{byte:02X}" for byte in ch.encode())


def uri_of(path: str) -> str:
    """As Hadoop's Path(path).toUri().toString(): the path part quoted as java.net.URI does."""
    scheme, authority, tail = _split(path)
    quoted = "".join(_uri_char(ch) for ch in tail)
    if not scheme:
        return quoted
    return f"{scheme}://{authority}{quoted}" if authority else f"{scheme}:{quoted}"


def _is_hidden(path: str) -> bool:
    return posixpath.basename(path.rstrip("/")).startswith(("_", "."))


def is_path_not_found(exc: AnalysisException) -> bool:
    return (exc.getCondition() or "") == "PATH_NOT_FOUND"


def file_listing(spark: SparkSession) -> DataFrameReader:
    """The `binaryFile` source, recursive: a matched folder yields its files, with no
    partition inference; a query that never selects `content` reads no file."""
    return spark.read.format("binaryFile").option("recursiveFileLookup", "true")


class ConnectFs(HadoopFs):
    """HadoopFs over a Spark Connect session (no JVM in this process)."""

    def __init__(self, spark: SparkSession, s3: S3Config | None = None) -> None:
        self._spark = spark
        self._s3 = s3

    def _files(self, pattern: str) -> DataFrame:
        return (
            file_listing(self._spark)
            .load(pattern)
            .select("path", "length", F.unix_millis("modificationTime").alias("ms"))
        )

    def glob(self, pattern: str) -> list[FileEntry]:
        """Files matching the glob, and matched folders (found through the files inside)."""
        depth = len(qualify(pattern).split("/"))
        try:
            rows = self._files(pattern).collect()
        except AnalysisException as exc:
            if is_path_not_found(exc):
                return []
            raise
        entries: dict[str, FileEntry] = {}
        for path, length, ms in rows:
            modified = datetime.fromtimestamp(ms / 1000, UTC)
            parts = path.split("/")
            if len(parts) <= depth:
                entries[path] = FileEntry(path, int(length), modified, is_dir=False)
                continue
            folder = "/".join(parts[:depth])
            seen = entries.get(folder)
            newest = modified if seen is None else max(seen.modified_at, modified)
            entries[folder] = FileEntry(folder, 0, newest, is_dir=True)
        return sorted(entries.values(), key=lambda e: e.path)

    def qualify(self, path: str) -> str:
        return qualify(path)

    def uri_of(self, path: str) -> str:
        return uri_of(path)

    def first_line(self, path: str) -> str:
        rows = self._spark.read.text(glob_literal(path)).limit(1).collect()
        return str(rows[0][0]) if rows else ""

    def status(self, path: str) -> FileEntry | None:
        found = self.glob(glob_literal(path))
        return found[0] if found else None

    def exists(self, path: str) -> bool:
        if not _is_hidden(path):
            return self.status(path) is not None
        return self._store_has(path)

    def _store_has(self, path: str) -> bool:
        parsed = urlparse(path)
        if parsed.scheme in ("", "file"):
            return os.path.exists(url2pathname(parsed.path))
        if parsed.scheme in S3_SCHEMES and self._s3 is not None:
            from botocore.exceptions import ClientError

            from scout_spark.runtime.s3_client import s3_client

            try:
                s3_client(self._s3).head_object(Bucket=parsed.netloc, Key=parsed.path[1:])
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey"):
                    return False
                raise
            return True
        raise SetupError(
            f"cannot check {path} over Spark Connect: Spark's file sources skip names "
            "starting with _ or ., and only local and S3 stores are read directly"
        )

    def read_head_tail(self, path: str, size: int, nbytes: int = 8) -> tuple[bytes, bytes]:
        # Only the first and last bytes leave the server, not the file's content.
        content = F.col("content")
        row = (
            self._spark.read.format("binaryFile")
            .load(glob_literal(path))
            .select(
                F.substring(content, 1, nbytes).alias("head"),
                F.when(F.col("length") > nbytes, F.substring(content, -nbytes, nbytes)).alias(
                    "tail"
                ),
            )
            .first()
        )
        if row is None:
            raise FileNotFoundError(path)
        return bytes(row["head"] or b""), bytes(row["tail"] or b"")


def delete_tree(path: str, s3: S3Config | None) -> None:
    """Remove a folder in the store itself (a Connect client has no Hadoop FileSystem)."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        shutil.rmtree(url2pathname(parsed.path), ignore_errors=True)
        return
    if parsed.scheme in S3_SCHEMES and s3 is not None:
        from scout_spark.runtime.s3_client import s3_client

        client, prefix = s3_client(s3), parsed.path[1:].rstrip("/") + "/"
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=parsed.netloc, Prefix=prefix
        ):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=parsed.netloc, Key=item["Key"])
        return
    raise SetupError(f"cannot delete {path} over Spark Connect: only local and S3 stores")


def glob_literal(path: str) -> str:
    """`path` with Hadoop glob characters escaped, so a name like a[1].csv means itself."""
    return re.sub(r"([\[\]{}*?\\])", r"\\\1", path)
