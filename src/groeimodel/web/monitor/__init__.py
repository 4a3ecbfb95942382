"""The monitor: k-anonymous aggregates of the organisation's firms (issue 9, docs/monitor.md)."""
