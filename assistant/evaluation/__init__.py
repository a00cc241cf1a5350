"""The scoreboard: golden question sets, metrics, a plain baseline, reports."""
