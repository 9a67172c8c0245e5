"""Run bookkeeping in the lake: the run ledger, checkpoints, unfinished-write marks."""
