"""Modal and drill-down screens."""
