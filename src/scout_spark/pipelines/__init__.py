"""Stage pipelines: read the lake, call the layer transforms, write through lake.writes."""
