"""Open data: what numeduc publishes for anyone to reuse, and how (docs/opendata.md).

Pure core, no Django: :mod:`numeduc.opendata.tables` defines every file's columns (as
``numeduc.exports.Table``), builds each file's frame from plain DataFrames and dicts with the
disclosure thresholds applied, and writes the CSV and Parquet files and the Frictionless Data
Package descriptor. The database is read by ``numeduc.web.opendata``.
"""
