"""Command line of numeduc (Typer + Rich)."""
