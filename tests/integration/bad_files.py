"""Writers of good and bad transaction files for the bronze bad-input tests."""

import io
import json
from decimal import Decimal
from pathlib import Path

import fastavro
import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = ("transaction_id", "store_id", "customer_id", "timestamp", "total_amount")


def tx_rows(tag: str, n: int = 3) -> list[dict[str, str]]:
    """`n` valid transactions whose ids start with `tag`."""
    return [
        {
            "transaction_id": f"{tag}-{i}",
            "store_id": "S1",
            "customer_id": f"C{i}",
            "timestamp": "2026-01-02T10:00:00+08:00",
            "total_amount": f"{10 + i}.50",
        }
        for i in range(n)
    ]


def csv_text(rows: list[dict[str, str]], header: str | None = None) -> str:
    """CSV with a header line (`header` overrides it) and one line per row."""
    names = list(rows[0])
    lines = [header if header is not None else ",".join(names)]
    return "\n".join([*lines, *(",".join(r[n] for n in names) for r in rows)]) + "\n"


def jsonl_text(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def parquet_bytes(rows: list[dict[str, str]], amount: str = "decimal") -> bytes:
    """Parquet with total_amount as decimal(14,2) or as string (`amount`)."""
    columns = {n: pa.array([r[n] for r in rows]) for n in rows[0] if n != "total_amount"}
    values = [r["total_amount"] for r in rows]
    columns["total_amount"] = (
        pa.array([Decimal(v) for v in values], pa.decimal128(14, 2))
        if amount == "decimal"
        else pa.array(values)
    )
    return table_bytes(pa.table(columns))


def table_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def avro_bytes(rows: list[dict[str, str]], amount: str = "double") -> bytes:
    """Avro with total_amount as double or as string (`amount`)."""
    fields = [{"name": n, "type": "string"} for n in rows[0] if n != "total_amount"]
    fields.append({"name": "total_amount", "type": amount})
    schema = fastavro.parse_schema({"type": "record", "name": "tx", "fields": fields})
    cast = float if amount == "double" else str
    records = [{**r, "total_amount": cast(r["total_amount"])} for r in rows]
    sink = io.BytesIO()
    fastavro.writer(sink, schema, records)
    return sink.getvalue()


def land(landing: Path, name: str, content: bytes | str, day: str = "2026/01/02") -> str:
    """Write one file under transactions/<day>/; returns its path relative to the landing."""
    relative = f"transactions/{day}/{name}"
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return relative
