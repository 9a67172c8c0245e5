"""Write deliveries: encode, splice broken lines, corrupt on purpose, record in the ledger."""

from __future__ import annotations

from scout_lab.sample import columns as C
from scout_lab.sample.deliveries import Delivery
from scout_lab.sample.encode import csv_bytes, encode
from scout_lab.sample.faultkit import Injection
from scout_lab.sample.filefaults import LATIN1_TEXT
from scout_lab.sample.manifest import Ledger
from scout_lab.sample.storage import Destination
from scout_lab.sample.textcols import json_lines
from scout_lab.sample.timeutil import MICROS_PER_SECOND


def broken_lines(inj: Injection, fmt: str) -> bytes:
    """The injected rows as lines that break the file's format in the fault's way."""
    raw = csv_bytes(inj.table, header=False) if fmt == "csv" else json_lines(inj.table)
    ids = inj.table.column("transaction_id").to_pylist()
    out = []
    for i, line in enumerate(raw.splitlines()):
        if inj.fault == "csv_field_count":
            line = line + b',"EXTRA"' if i % 2 == 0 else line.rsplit(b",", 2)[0]
        elif inj.fault == "bad_json_line":
            line = line[: len(line) // 2] if i % 2 == 0 else f"transaction_id={ids[i]};".encode()
        elif inj.fault == "non_utf8":
            text = LATIN1_TEXT[inj.dataset][1]
            line = line.replace(text.encode("utf-8"), text.encode("latin-1"))
        out.append(line + b"\n")
    return b"".join(out)


def splice(data: bytes, lines: bytes) -> bytes:
    """Insert whole lines at the first line boundary past the middle of a text file."""
    cut = data.find(b"\n", len(data) // 2) + 1 or len(data)
    return data[:cut] + lines + data[cut:]


class DeliveryWriter:
    """Writes deliveries to a destination and tells the ledger what they hold."""

    def __init__(self, dest: Destination, ledger: Ledger, seed: int) -> None:
        self.dest = dest
        self.ledger = ledger
        self.seed = seed

    def write(self, d: Delivery) -> None:
        """Write one delivery with its simulated landing time as modification time."""
        mtime = d.delivered_at / MICROS_PER_SECOND
        if d.table is None:  # a _SUCCESS marker
            self.dest.write(d.path, b"", mtime)
            self.ledger.add_file(d, rows=0, size=0, readable=False)
            return
        if d.fmt == "delta":
            self.dest.write_delta(d.path, C.plain(d.table), mtime)
            self.ledger.add_file(d, rows=d.table.num_rows, size=0, readable=True)
            return
        data = encode(d.table, d.fmt, salt=f"{self.seed}:{d.path}")
        for inj in d.injections:
            data = splice(data, broken_lines(inj, d.fmt))
        readable = d.corrupt is None
        if d.corrupt == "truncate":
            data = data[: len(data) // 2]
        elif d.corrupt == "empty":
            data = b""
        self.dest.write(d.path, data, mtime)
        injected = sum(inj.table.num_rows for inj in d.injections)
        rows = (d.table.num_rows if readable else 0) + injected
        self.ledger.add_file(d, rows=rows, size=len(data), readable=readable)

    def write_all(self, deliveries: list[Delivery]) -> None:
        """Write deliveries in landing order (S3 keeps write order as its only clock)."""
        for d in sorted(deliveries, key=lambda d: d.delivered_at):
            self.write(d)
