"""National analysis pages of a self-diagnosis campaign (coordinator; everyone once published)."""
