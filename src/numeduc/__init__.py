"""numeduc: pilotage du numérique éducatif des départements."""

__version__ = "0.1.0"
