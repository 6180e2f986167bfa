"""Programs: plans, session logs and the progression engine (pure functions)."""
