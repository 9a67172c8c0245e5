"""The bad-input corpus: one file per kind of bad input (source_data.md), and what must happen.

Each kind lands one transactions file; `rows` is what the file delivers (data lines),
`kept` says whether bronze keeps them (with `errors` rows carrying a `_parse_error`) or
rejects the whole file with a reason.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
from bad_files import avro_bytes, csv_text, jsonl_text, parquet_bytes, table_bytes, tx_rows

LONG = "x" * (1 << 20)  # one 1 MB value: a very long line


@dataclass(frozen=True)
class Kind:
    """One kind of bad input as one file: name, bytes, rows delivered, expected outcome."""

    kind: str
    name: str
    content: bytes
    rows: int
    kept: bool
    errors: int = 0
    reason: str = ""  # the start of a rejected file's reason


def _text(rows: list[dict[str, str]], render: Callable[..., str], **kw: str) -> bytes:
    return render(rows, **kw).encode("utf-8")


def _cut(data: bytes, keep: float) -> bytes:
    return data[: int(len(data) * keep)]


def _with(rows: list[dict[str, str]], **extra: str) -> list[dict[str, str]]:
    return [{**r, **extra} for r in rows]


def _kinds() -> list[Kind]:
    r = tx_rows
    good_csv = csv_text(r("TC"))
    good_parquet = parquet_bytes(r("TP"))
    header = "transaction_id,store_id,customer_id,timestamp,total_amount"
    wide = [f"W{i},S1,C1,2026-01-02T10:00:00,1.00,x,extra" for i in range(1)]
    latin1 = good_csv.encode() + b"L1-9,S1,C1,2026-01-02T10:00:00,1\xe9\n"
    return [
        Kind("zero_byte_csv", "zero.csv", b"", 0, False, reason="zero-byte file"),
        Kind("zero_byte_json", "zero.jsonl", b"", 0, False, reason="zero-byte file"),
        Kind("zero_byte_parquet", "zero.parquet", b"", 0, False, reason="zero-byte file"),
        Kind("zero_byte_avro", "zero.avro", b"", 0, False, reason="zero-byte file"),
        Kind(
            "truncated_parquet",
            "cut.parquet",
            _cut(good_parquet, 0.6),
            3,
            False,
            reason="truncated or corrupt Parquet file",
        ),
        Kind(
            "corrupt_parquet",
            "corrupt.parquet",
            b"PAR1" + b"\x07" * 200 + b"PAR1",
            0,
            False,
            reason="cannot read parquet file: ",
        ),
        Kind(
            "truncated_avro",
            "cut.avro",
            _cut(avro_bytes(r("TA", 50)), 0.6),
            50,
            False,
            reason="cannot read avro file: ",
        ),
        Kind("truncated_csv", "cut.csv", good_csv.encode()[:-30], 3, True, errors=1),
        Kind("truncated_json", "cut.jsonl", jsonl_text(r("TJ")).encode()[:-10], 3, True, 1),
        Kind(
            "parquet_named_csv",
            "binary.csv",
            good_parquet,
            3,
            False,
            reason="binary content in a .csv file",
        ),
        Kind(
            "csv_named_parquet",
            "text.parquet",
            good_csv.encode(),
            3,
            False,
            reason="not a Parquet file",
        ),
        Kind(
            "json_named_avro",
            "text.avro",
            _text(r("JA"), jsonl_text),
            3,
            False,
            reason="not an Avro file",
        ),
        Kind("csv_named_json", "csv.jsonl", _text(r("CJ"), csv_text), 4, True, errors=4),
        Kind(
            "unknown_extension",
            "data.txt",
            good_csv.encode(),
            3,
            False,
            reason="unsupported file extension",
        ),
        Kind("csv_too_many_fields", "wide.csv", (good_csv + wide[0] + "\n").encode(), 4, True, 1),
        Kind("csv_too_few_fields", "narrow.csv", (good_csv + "N1,S1\n").encode(), 4, True, 1),
        Kind(
            "json_line_not_json",
            "oops.jsonl",
            (jsonl_text(r("JN")) + "oops\n").encode(),
            4,
            True,
            errors=1,
        ),
        Kind("csv_not_utf8", "latin1.csv", latin1, 4, True, errors=1),
        Kind(
            "json_not_utf8",
            "latin1.jsonl",
            jsonl_text(r("J8")).encode() + b'{"transaction_id": "J8-9", "note": "D\xe9bito"}\n',
            4,
            True,
            errors=1,
        ),
        Kind(
            "csv_header_empty",
            "noheader_blank.csv",
            ("\n" + good_csv).encode(),
            3,
            False,
            reason="CSV header line is empty",
        ),
        Kind(
            "csv_header_missing",
            "noheader.csv",
            good_csv.split("\n", 1)[1].encode(),
            3,
            False,
            reason="CSV header line is missing",
        ),
        Kind("json_no_valid_line", "nothing.jsonl", b"not json\n{broken\n[1, 2]\n", 3, True, 3),
        Kind(
            "csv_no_valid_line",
            "nothing.csv",
            f"{header}\nA,B\nC\n1,2,3,4,5,6\n".encode(),
            3,
            True,
            errors=3,
        ),
        Kind("csv_bom", "bom.csv", ("\ufeff" + csv_text(r("BC"))).encode(), 3, True),
        Kind("json_bom", "bom.jsonl", ("\ufeff" + jsonl_text(r("BJ"))).encode(), 3, True),
        Kind(
            "csv_duplicate_columns",
            "dup.csv",
            _text(r("DC"), csv_text, header=header + ",note,note")
            .replace(b"\n", b",n1,n2\n")
            .replace(b",note,note,n1,n2\n", b",note,note\n"),
            3,
            True,
        ),
        Kind(
            "csv_case_colliding_columns",
            "case.csv",
            _text(_with(r("CC"), Memo="m1", memo="m2"), csv_text),
            3,
            True,
        ),
        Kind(
            "json_case_colliding_keys",
            "case.jsonl",
            _text(_with(r("CK"), Memo="m1", memo="m2"), jsonl_text),
            3,
            True,
        ),
        Kind(
            "parquet_case_colliding_columns",
            "case.parquet",
            table_bytes(pa.table({"transaction_id": ["PC-0"], "Memo": ["a"], "memo": ["b"]})),
            1,
            False,
            reason="cannot read parquet file: ",
        ),
        Kind(
            "parquet_amount_as_string",
            "amount_text.parquet",
            parquet_bytes(r("PS"), amount="string"),
            3,
            True,
        ),
        Kind("avro_amount_as_string", "amount_text.avro", avro_bytes(r("AS"), "string"), 3, True),
        Kind(
            "parquet_drift_typed_differently",
            "drift_int.parquet",
            table_bytes(pa.table({"transaction_id": ["PD-0"], "loyalty_points": [7]})),
            1,
            True,
        ),
        Kind(
            "parquet_drift_typed_as_text",
            "drift_text.parquet",
            table_bytes(pa.table({"transaction_id": ["PT-0"], "loyalty_points": ["seven"]})),
            1,
            True,
        ),
        Kind("name_with_space", "with space.csv", _text(r("NS"), csv_text), 3, True),
        Kind("name_with_percent", "100%25 sure.jsonl", _text(r("NP"), jsonl_text), 3, True),
        Kind("name_with_hash", "batch#2.parquet", parquet_bytes(r("NH")), 3, True),
        Kind("name_non_ascii", "ventas_Ñandú_日本.csv", _text(r("NA"), csv_text), 3, True),
        Kind("name_with_glob_chars", "[draft]{1}.avro", avro_bytes(r("NG")), 3, True),
        Kind("csv_very_long_line", "long.csv", _text(_with(r("LC"), note=LONG), csv_text), 3, True),
        Kind(
            "json_very_long_line",
            "long.jsonl",
            _text(_with(r("LJ"), note=LONG), jsonl_text),
            3,
            True,
        ),
        Kind(
            "wrong_value_types",
            "types.jsonl",
            (
                json.dumps({"transaction_id": "VT-0", "total_amount": "abc", "timestamp": [1]})
                + "\n"
            ).encode(),
            1,
            True,
        ),
    ]


KINDS = _kinds()
GOOD = [
    ("good.csv", csv_text(tx_rows("GC")).encode()),
    ("good.jsonl", jsonl_text(tx_rows("GJ")).encode()),
    ("good.parquet", parquet_bytes(tx_rows("GP"))),
    ("good.avro", avro_bytes(tx_rows("GA"))),
]
