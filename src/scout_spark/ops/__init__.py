"""Operations: run ledger, stage results."""
