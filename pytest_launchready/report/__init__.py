"""The launch scorecard and what renders it."""
