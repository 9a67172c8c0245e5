"""Run monitors: pure checks of freshness, volume, zero-row runs, date gaps and reconciliation.

Each module computes MonitorResult values from small inputs the `monitor` stage gathered
(pipelines/monitor_inputs.py); nothing here reads or writes tables.
"""
