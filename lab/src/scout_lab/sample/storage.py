"""Where files go: a local folder or an S3 bucket prefix behind a configurable endpoint."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs
from deltalake import write_deltalake

S3_SCHEMES = ("s3", "s3a")


class DestinationError(RuntimeError):
    """The destination cannot be used (missing credentials, not empty, bad URI)."""


def _s3_credentials() -> dict[str, str]:
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret:
        raise DestinationError(
            "S3 destination needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment"
        )
    creds = {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret}
    if os.environ.get("AWS_SESSION_TOKEN"):
        creds["AWS_SESSION_TOKEN"] = os.environ["AWS_SESSION_TOKEN"]
    return creds


@dataclass
class Destination:
    """A writable root; paths given to it are relative to the root, with `/` separators."""

    fs: pafs.FileSystem
    root: str  # root inside `fs`: an absolute local path or `bucket/prefix`
    delta_root: str  # the same root as a URI deltalake understands
    storage_options: dict[str, str] | None = None
    is_local: bool = True

    @classmethod
    def open(cls, dest: str, s3_endpoint: str | None = None) -> Destination:
        """Open `dest` (a folder, `file://...`, or `s3://bucket/prefix`)."""
        parsed = urlparse(dest)
        if parsed.scheme in S3_SCHEMES:
            return cls._open_s3(parsed.netloc, parsed.path.strip("/"), s3_endpoint)
        if parsed.scheme not in ("", "file"):
            raise DestinationError(f"unsupported destination scheme {parsed.scheme!r}")
        path = Path(parsed.path if parsed.scheme == "file" else dest).resolve()
        return cls(pafs.LocalFileSystem(), str(path), str(path))

    @classmethod
    def _open_s3(cls, bucket: str, prefix: str, endpoint: str | None) -> Destination:
        if not bucket:
            raise DestinationError("S3 destination needs a bucket: s3://bucket/prefix")
        creds = _s3_credentials()
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        options = {**creds, "AWS_REGION": region, "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
        kwargs: dict[str, object] = {}
        if endpoint:
            url = urlparse(endpoint)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise DestinationError(f"--s3-endpoint must be http(s)://host:port, got {endpoint}")
            kwargs = {"endpoint_override": url.netloc, "scheme": url.scheme}
            allow_http = "true" if url.scheme == "http" else "false"
            options |= {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": allow_http}
        fs = pafs.S3FileSystem(
            access_key=creds["AWS_ACCESS_KEY_ID"],
            secret_key=creds["AWS_SECRET_ACCESS_KEY"],
            session_token=creds.get("AWS_SESSION_TOKEN"),
            region=region,
            **kwargs,
        )
        root = f"{bucket}/{prefix}".rstrip("/")
        return cls(fs, root, f"s3://{root}", options, is_local=False)

    def full(self, rel: str) -> str:
        """Path of `rel` inside the filesystem."""
        return f"{self.root}/{rel}"

    def is_empty(self) -> bool:
        """True when nothing exists under the root yet."""
        selector = pafs.FileSelector(self.root, recursive=False, allow_not_found=True)
        return not self.fs.get_file_info(selector)

    def exists(self, rel: str) -> bool:
        """True when a file exists at `rel`."""
        return self.fs.get_file_info(self.full(rel)).type == pafs.FileType.File

    def clear(self) -> None:
        """Delete everything under the root."""
        if self.is_local:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            self.fs.delete_dir_contents(self.root, missing_dir_ok=True)

    def write(self, rel: str, data: bytes, mtime: float | None = None) -> None:
        """Write one file; locally, set its modification time to the simulated delivery."""
        path = self.full(rel)
        if self.is_local:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with self.fs.open_output_stream(path) as out:
            out.write(data)
        self._touch(path, mtime)

    def write_delta(self, rel: str, table: pa.Table, mtime: float | None = None) -> None:
        """Write `table` as a new Delta table at `rel` (one commit)."""
        write_deltalake(
            f"{self.delta_root}/{rel}", table, mode="error", storage_options=self.storage_options
        )
        if self.is_local and mtime is not None:
            for folder, _, files in os.walk(self.full(rel)):
                for name in files:
                    self._touch(os.path.join(folder, name), mtime)

    def _touch(self, path: str, mtime: float | None) -> None:
        if self.is_local and mtime is not None:
            os.utime(path, (mtime, mtime))
