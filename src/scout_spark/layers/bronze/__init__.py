"""Bronze: the table's shape and each row's lineage."""
