"""Scout Lakehouse lab: the sample-data generator, benchmarks, the chaos run and local services.

Development tools beside the product: not in the scout-lakehouse wheel that clusters install.
"""
