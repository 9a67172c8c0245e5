"""The bad-input corpus: one file per kind of bad input (source_data.md), and what must happen.

Each kind lands one transactions file; `rows` is what the file delivers (data lines),
`kept` says whether bronze keeps them (with `errors` rows carrying a `_parse_error`) or
rejects the whole file with a reason.
"""

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


def _out(kind: str, name: str, content: bytes, rows: int, reason: str) -> Kind:
    return Kind(kind, name, content, rows, kept=False, reason=reason)


def _kept(kind: str, name: str, content: bytes, rows: int = 3, errors: int = 0) -> Kind:
    return Kind(kind, name, content, rows, kept=True, errors=errors)


def _rejected_kinds() -> list[Kind]:
    good_csv = csv_text(tx_rows("TC")).encode()
    good_parquet = parquet_bytes(tx_rows("TP"))
    unreadable, zero = "cannot read {} file: ", "zero-byte file"
    case_parquet = table_bytes(pa.table({"transaction_id": ["PC-0"], "Memo": ["a"], "memo": ["b"]}))
    return [
        *(_out(f"zero_byte_{f}", f"zero.{f}", b"", 0, zero) for f in ("csv", "jsonl", "parquet")),
        _out("zero_byte_avro", "zero.avro", b"", 0, zero),
        _out("truncated_parquet", "cut.parquet", _cut(good_parquet, 0.6), 3,
             "truncated or corrupt"),
        _out("corrupt_parquet", "bad.parquet", b"PAR1" + b"\x07" * 200 + b"PAR1", 0,
             unreadable.format("parquet")),
        _out("truncated_avro", "cut.avro", _cut(avro_bytes(tx_rows("TA", 50)), 0.6), 50,
             unreadable.format("avro")),
        _out("parquet_named_csv", "binary.csv", good_parquet, 3, "binary content in a .csv file"),
        _out("csv_named_parquet", "text.parquet", good_csv, 3, "not a Parquet file"),
        _out("json_named_avro", "text.avro", _text(tx_rows("JA"), jsonl_text), 3, "not an Avro"),
        _out("unknown_extension", "data.txt", good_csv, 3, "unsupported file extension"),
        _out("csv_header_empty", "blank_header.csv", b"\n" + good_csv, 3,
             "CSV header line is empty"),
        _out("csv_header_missing", "no_header.csv", good_csv.split(b"\n", 1)[1], 3,
             "CSV header line is missing"),
        _out("parquet_case_colliding_columns", "case.parquet", case_parquet, 1,
             unreadable.format("parquet")),
    ]  # fmt: skip


def _kept_kinds() -> list[Kind]:
    r = tx_rows
    good_csv = csv_text(r("TC"))
    header = "transaction_id,store_id,customer_id,timestamp,total_amount"
    return [
        _kept("truncated_csv", "cut.csv", good_csv.encode()[:-30], errors=1),
        _kept("truncated_json", "cut.jsonl", jsonl_text(r("TJ")).encode()[:-10], errors=1),
        _kept("csv_named_json", "csv.jsonl", _text(r("CJ"), csv_text), 4, errors=4),
        _kept("csv_too_many_fields", "wide.csv", (good_csv + "W,S,C,T,1,x\n").encode(), 4, 1),
        _kept("csv_too_few_fields", "narrow.csv", (good_csv + "N1,S1\n").encode(), 4, 1),
        _kept("json_line_not_json", "oops.jsonl", (jsonl_text(r("JN")) + "oops\n").encode(), 4, 1),
        _kept("csv_not_utf8", "latin1.csv", good_csv.encode() + b"L,S,C,T,1\xe9\n", 4, 1),
        _kept("json_not_utf8", "latin1.jsonl", jsonl_text(r("J8")).encode()
              + b'{"transaction_id": "J8-9", "note": "D\xe9bito"}\n', 4, 1),
        _kept("json_no_valid_line", "nothing.jsonl", b"not json\n{broken\n[1, 2]\n", 3, 3),
        _kept("csv_no_valid_line", "nothing.csv", f"{header}\nA,B\nC\n1,2,3,4,5,6\n".encode(),
              3, 3),
        _kept("csv_bom", "bom.csv", ("\ufeff" + csv_text(r("BC"))).encode()),
        _kept("json_bom", "bom.jsonl", ("\ufeff" + jsonl_text(r("BJ"))).encode()),
        _kept("csv_duplicate_columns", "dup.csv",
              _text(_with(r("DC"), note="n1", note2="n2"), csv_text, header=header + ",note,note")),
        _kept("csv_case_colliding_columns", "case.csv",
              _text(_with(r("CC"), Memo="m1", memo="m2"), csv_text)),
        _kept("json_case_colliding_keys", "case.jsonl",
              _text(_with(r("CK"), Memo="m1", memo="m2"), jsonl_text)),
        # A key repeated in one object: both values kept (n, n_2), like a repeated CSV name.
        _kept("json_duplicate_keys", "dup.jsonl", b'{"transaction_id": "JD", "n": 1, "n": 2}\n', 1),
        _kept("json_keys_cased_otherwise", "upper.jsonl",
              _text([{k.upper(): v for k, v in row.items()} for row in r("UC")], jsonl_text)),
        _kept("parquet_amount_as_string", "amount_text.parquet", parquet_bytes(r("PS"), "string")),
        _kept("avro_amount_as_string", "amount_text.avro", avro_bytes(r("AS"), "string")),
        _kept("parquet_drift_typed_as_int", "drift_int.parquet",
              table_bytes(pa.table({"transaction_id": ["PD-0"], "loyalty_points": [7]})), 1),
        _kept("parquet_drift_typed_as_text", "drift_text.parquet",
              table_bytes(pa.table({"transaction_id": ["PT-0"], "loyalty_points": ["seven"]})), 1),
        _kept("name_with_space", "with space.csv", _text(r("NS"), csv_text)),
        _kept("name_with_percent", "100%25 sure.jsonl", _text(r("NP"), jsonl_text)),
        _kept("name_with_hash", "batch#2.parquet", parquet_bytes(r("NH"))),
        _kept("name_non_ascii", "ventas_Ñandú_日本.csv", _text(r("NA"), csv_text)),
        _kept("name_with_glob_chars", "[draft]{1}.avro", avro_bytes(r("NG"))),
        _kept("csv_very_long_line", "long.csv", _text(_with(r("LC"), note=LONG), csv_text)),
        _kept("json_very_long_line", "long.jsonl", _text(_with(r("LJ"), note=LONG), jsonl_text)),
        _kept("wrong_value_types", "types.jsonl",
              b'{"transaction_id": "VT-0", "total_amount": "abc", "timestamp": [1]}\n', 1),
        _kept("required_field_missing", "no_id.csv",
              _text(_with(r("RQ"), transaction_id=""), csv_text)),
        _kept("negative_or_absurd_amount", "amounts.parquet", parquet_bytes(
            _with(r("AM", 2), total_amount="-5.00")
            + _with(r("AB", 1), total_amount="999999999999.99"))),
        _kept("timestamp_unparseable_or_future", "times.jsonl", _text(
            _with(r("TS", 1), timestamp="half past ten")
            + _with(r("TF", 1), timestamp="2999-01-01T00:00:00Z"), jsonl_text), 2),
    ]  # fmt: skip


KINDS = _rejected_kinds() + _kept_kinds()
GOOD = [
    ("good.csv", csv_text(tx_rows("GC")).encode()),
    ("good.jsonl", jsonl_text(tx_rows("GJ")).encode()),
    ("good.parquet", parquet_bytes(tx_rows("GP"))),
    ("good.avro", avro_bytes(tx_rows("GA"))),
]
