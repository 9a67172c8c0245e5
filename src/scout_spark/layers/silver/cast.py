"""Silver step 1-2: bronze text to the contract types (keys trimmed), payment_method normalised.

Spark 4 runs with ANSI mode on, so every cast is a try_cast: a value that does not parse
becomes null (and fails a quality rule) instead of raising.
"""

from collections.abc import Callable, Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.schemas import BRONZE_LINEAGE_FIELDS, SCHEMAS, bronze_schema

# An explicit zone after the time: Z, UTC/GMT, +08, +0800, +08:00 or a region id (Asia/Manila).
_HAS_ZONE = r"(?i)\d:\d{2}(:\d{2}(\.\d+)?)?\s*(z|utc|gmt|[+-]\d{2}(:?\d{2})?|[a-z_]+/[a-z_]+)$"
# Whitespace around a key: Unicode white space (incl. no-break spaces) and the BOM.
_KEY_PADDING = r"(?U)^[\s\x{FEFF}]+|[\s\x{FEFF}]+$"
KEYS = ("transaction_id", "store_id", "customer_id", "product_id")
# Every lineage column a silver row may need: bronze's, plus the quarantine row id.
LINEAGE_COLUMNS = tuple(f.name for f in BRONZE_LINEAGE_FIELDS)


def blank_to_null(text: Column) -> Column:
    """Empty or whitespace-only text becomes null (how CSV delivers a missing value)."""
    return F.when(F.trim(text) == "", F.lit(None).cast("string")).otherwise(text)


def trim_key(text: Column) -> Column:
    """A key with surrounding whitespace (tabs, no-break spaces, a BOM too) removed; empty
    after trimming -> null, so it fails its non-empty rule."""
    return blank_to_null(F.regexp_replace(text, _KEY_PADDING, ""))


def parse_timestamp(text: Column, *, timezone: str) -> Column:
    """ISO-8601 text -> UTC instant; an offset is honoured, a naive value is `timezone` time."""
    trimmed = F.trim(text)
    wall_clock = trimmed.try_cast(T.TimestampNTZType())
    as_local = F.make_timestamp(
        F.year(wall_clock),
        F.month(wall_clock),
        F.dayofmonth(wall_clock),
        F.hour(wall_clock),
        F.minute(wall_clock),
        F.extract(F.lit("SECOND"), wall_clock),
        F.lit(timezone),
    )
    return F.when(trimmed.rlike(_HAS_ZONE), trimmed.try_cast(T.TimestampType())).otherwise(as_local)


def parse_decimal(text: Column, *, precision: int, scale: int) -> Column:
    """Numeric text -> decimal(precision, scale); garbage or overflow -> null."""
    return F.trim(text).try_cast(T.DecimalType(precision, scale))


def parse_int(text: Column) -> Column:
    """Integer text ('3', '3.0') -> int; a fraction, garbage or overflow -> null."""
    as_decimal = F.trim(text).try_cast(T.DecimalType(38, 6))
    is_whole = as_decimal == F.floor(as_decimal)
    return F.when(is_whole, as_decimal.try_cast(T.IntegerType()))


def parse_double(text: Column) -> Column:
    """Numeric text -> double; garbage -> null."""
    return F.trim(text).try_cast(T.DoubleType())


def parse_date(text: Column) -> Column:
    """YYYY-MM-DD text (a time part is ignored) -> date; garbage -> null."""
    return F.trim(text).try_cast(T.DateType())


def normalise_payment_method(text: Column, *, allowed: Sequence[str]) -> Column:
    """Trim, lower-case; null or empty -> 'cash'; outside `allowed` -> 'other'."""
    cleaned = F.lower(F.trim(text))
    return (
        F.when(cleaned.isNull() | (cleaned == ""), F.lit("cash"))
        .when(cleaned.isin(*allowed), cleaned)
        .otherwise(F.lit("other"))
    )


def _typed_columns(
    dataset: str, *, timezone: str, payment_methods: Sequence[str]
) -> dict[str, Column]:
    """Silver column -> expression over the bronze text columns."""

    def text(name: str) -> Column:
        return trim_key(F.col(name)) if name in KEYS else blank_to_null(F.col(name))

    def ts(name: str) -> Column:
        return parse_timestamp(F.col(name), timezone=timezone)

    def dec(name: str, precision: int, scale: int) -> Column:
        return parse_decimal(F.col(name), precision=precision, scale=scale)

    builders: dict[str, Callable[[], dict[str, Column]]] = {
        "transactions": lambda: {
            "transaction_id": text("transaction_id"),
            "store_id": text("store_id"),
            "customer_id": text("customer_id"),
            "transaction_ts": ts("timestamp"),
            "total_amount": dec("total_amount", 14, 2),
            "payment_method": normalise_payment_method(
                F.col("payment_method"), allowed=payment_methods
            ),
            "updated_at": ts("updated_at"),
        },
        "items": lambda: {
            "transaction_id": text("transaction_id"),
            "line_number": parse_int(F.col("line_number")),
            "product_id": text("product_id"),
            "product_name": text("product_name"),
            "brand": text("brand"),
            "category": text("category"),
            "quantity": parse_int(F.col("quantity")),
            "unit_price": dec("unit_price", 12, 2),
            "line_amount": dec("line_amount", 14, 2),
            "updated_at": ts("updated_at"),
        },
        "customers": lambda: {
            "customer_id": text("customer_id"),
            "segment": text("segment"),
            "region": text("region"),
            "updated_at": ts("updated_at"),
        },
        "stores": lambda: {
            **{c: text(c) for c in ("store_id", "store_name", "region", "province", "city")},
            **{c: text(c) for c in ("barangay", "store_type")},
            "latitude": parse_double(F.col("latitude")),
            "longitude": parse_double(F.col("longitude")),
            "opened_at": parse_date(F.col("opened_at")),
        },
    }
    return builders[dataset]()


def with_bronze_columns(df: DataFrame, *, dataset: str) -> DataFrame:
    """Adds, as nulls, any contract or lineage column the bronze frame lacks."""
    missing = {
        f.name: F.lit(None).cast(f.dataType)
        for f in bronze_schema(dataset).fields
        if f.name not in df.columns
    }
    return df.withColumns(missing) if missing else df


def select_typed_rows(
    df: DataFrame, *, dataset: str, timezone: str, payment_methods: Sequence[str]
) -> DataFrame:
    """Needs the bronze columns; typed silver columns, `_raw` (text as delivered), lineage."""
    typed = _typed_columns(dataset, timezone=timezone, payment_methods=payment_methods)
    raw = F.struct(*[F.col(f.name).cast("string").alias(f.name) for f in SCHEMAS[dataset].fields])
    row_id = F.sha2(
        F.concat_ws(
            "\u0001",
            F.col("_source_file"),
            F.unix_micros(F.col("_source_modified_at")).cast("string"),
            F.col("_source_row").cast("string"),
        ),
        256,
    )
    return df.select(
        *[expr.alias(name) for name, expr in typed.items()],
        raw.alias("_raw"),
        *[F.col(f.name).cast(f.dataType) for f in BRONZE_LINEAGE_FIELDS],
        row_id.alias("_row_id"),
    )
