"""Schema drift: from some date on, transaction files carry a column the contract lacks."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

DRIFT_COLUMN = "pos_terminal_id"
_TERMINALS = pa.array([f"POS-{i:02d}" for i in range(1, 5)])


def with_drift_column(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    """Append `pos_terminal_id` (which till rang the sale up) to a transactions table."""
    terminal = rng.integers(0, len(_TERMINALS), table.num_rows)
    return table.append_column(DRIFT_COLUMN, _TERMINALS.take(pa.array(terminal)))
