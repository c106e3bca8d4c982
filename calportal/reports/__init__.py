"""The report engine (REPORTS.md): periods now; figures, runs and formats to follow."""
