"""Pure DataFrame -> DataFrame transforms, one module per layer and entity."""
