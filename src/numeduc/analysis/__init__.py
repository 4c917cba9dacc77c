"""Domain analyses over campaign answers (pure: pandas in, dataclasses out)."""
