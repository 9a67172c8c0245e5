"""Health checks of the pipeline: freshness, volume, zero-row runs, date gaps, reconciliation.

Each module computes MonitorResult values from small inputs the `monitor` stage gathered
(pipelines/monitor_inputs.py); nothing here reads or writes tables.
"""
