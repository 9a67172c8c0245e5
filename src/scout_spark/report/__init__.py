"""The run report: ledger, lake and monitor facts read with Spark, rendered as one HTML page.

`collect` gathers a `ReportData` (plain Python values); `page` renders it without Spark;
`screenshot` renders a page in headless Chromium; `stage` is the `report` stage.
"""
