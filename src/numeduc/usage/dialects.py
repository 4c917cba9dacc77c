"""CSV dialect and encoding of an input file: detected, or forced by the user.

What a French département actually has: spreadsheets saved by Excel (``;`` separator,
Windows-1252, decimal comma), exports of web tools (``,``, UTF-8, sometimes with a BOM), tab
separated files.  :func:`detect` reads the first 64 KiB of the file and decides:

- encoding: a UTF-8 BOM → UTF-8 with BOM; bytes that decode as UTF-8 → UTF-8; anything else →
  Windows-1252 (which decodes every byte but five; Latin-1 files are read the same way for the
  French letters).  A file whose first 64 KiB are plain ASCII is taken as UTF-8; if a later
  byte is not UTF-8, the ingestion reads the file again as Windows-1252 (see ``ingest``).
- separator: among ``;``, ``,`` and tab, the one that splits the header and the first lines
  into the same number (> 1) of fields, the most fields winning; ``,`` when nothing decides.
- decimal comma: only with a separator other than ``,``, when numbers such as ``12,5`` appear
  and none such as ``12.5``.

Any of the three can be forced (``--separateur``, ``--encodage``, ``--decimale``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

SAMPLE_BYTES = 64 << 10
SEPARATORS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
# Names accepted on the command line for each separator.
SEPARATOR_NAMES = {
    ";": ";",
    "point-virgule": ";",
    "pv": ";",
    "semicolon": ";",
    ",": ",",
    "virgule": ",",
    "comma": ",",
    "\t": "\t",
    "\\t": "\t",
    "tab": "\t",
    "tabulation": "\t",
}
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 avec BOM", "cp1252": "Windows-1252"}
ENCODING_NAMES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-8-bom": "utf-8-sig",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso-8859-15": "cp1252",
    "ansi": "cp1252",
}
DECIMAL_NAMES = {",": ",", "virgule": ",", "comma": ",", ".": ".", "point": ".", "dot": "."}
_BOM = b"\xef\xbb\xbf"
_COMMA_NUMBER = re.compile(r"^\s*[+-]?[0-9]+,[0-9]+\s*$")
_DOT_NUMBER = re.compile(r"^\s*[+-]?[0-9]+\.[0-9]+\s*$")


class DialectError(ValueError):
    """An option naming an unknown separator, encoding or decimal mark."""


@dataclass(frozen=True)
class Dialect:
    separator: str = ","
    encoding: str = "utf-8"  # a Python codec name: utf-8, utf-8-sig, cp1252
    decimal: str = "."
    forced: frozenset[str] = frozenset()  # which of separator/encoding/decimal the user forced

    @property
    def arrow_encoding(self) -> str:
        # pyarrow skips a UTF-8 BOM itself; it transcodes any other codec.
        return "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding

    def describe(self) -> str:
        """« séparateur point-virgule, encodage Windows-1252, virgule décimale »."""

        def tag(what: str) -> str:
            return " (imposé)" if what in self.forced else ""

        decimal = "virgule décimale" if self.decimal == "," else "point décimal"
        return (
            f"séparateur {SEPARATORS.get(self.separator, repr(self.separator))}{tag('separator')}, "
            f"encodage {ENCODINGS.get(self.encoding, self.encoding)}{tag('encoding')}, "
            f"{decimal}{tag('decimal')}"
        )


def _pick(names: dict[str, str], value: str, what: str, allowed: str) -> str:
    key = value if value in names else value.strip().lower()
    if key not in names:
        raise DialectError(f"{what} inconnu « {value} » (attendu : {allowed})")
    return names[key]


def forced(separator: str | None = None, encoding: str | None = None, decimal: str | None = None) -> dict:
    """Options of the command line checked and normalised (French message if unknown)."""
    out: dict[str, str] = {}
    if separator:
        out["separator"] = _pick(SEPARATOR_NAMES, separator, "séparateur", "point-virgule, virgule, tab")
    if encoding:
        out["encoding"] = _pick(ENCODING_NAMES, encoding, "encodage", "utf-8, utf-8-sig, windows-1252")
    if decimal:
        out["decimal"] = _pick(DECIMAL_NAMES, decimal, "séparateur décimal", "virgule ou point")
    return out


def _decode_sample(data: bytes, truncated: bool) -> str | None:
    """The sample as UTF-8 text, or None if it is not UTF-8 (a cut character at the end is fine)."""
    for cut in range(0, 4 if truncated else 1):
        try:
            return data[: len(data) - cut].decode("utf-8")
        except UnicodeDecodeError as exc:
            if not truncated or exc.start < len(data) - 4:
                return None
    return None


def _rows(text: str, separator: str, limit: int = 50) -> list[list[str]]:
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a sample may be cut
    out = []
    try:
        for row in csv.reader(io.StringIO("".join(lines[: limit * 4])), delimiter=separator):
            if row:
                out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        return out
    return out


def detect(path: Path, **options: str) -> Dialect:
    """The dialect of ``path``; ``options`` (separator, encoding, decimal) are kept as forced."""
    with open(path, "rb") as fh:
        data = fh.read(SAMPLE_BYTES + 1)
    truncated = len(data) > SAMPLE_BYTES
    data = data[:SAMPLE_BYTES]
    encoding = options.get("encoding")
    if not encoding:
        if data.startswith(_BOM):
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8" if _decode_sample(data, truncated) is not None else "cp1252"
    raw = data[len(_BOM) :] if data.startswith(_BOM) else data
    text = raw.decode("utf-8" if encoding == "utf-8-sig" else encoding, errors="replace")
    separator = options.get("separator")
    if not separator:
        separator, best = ",", (0, 0)
        for sep in (";", ",", "\t"):
            rows = _rows(text, sep)
            if not rows or len(rows[0]) < 2:
                continue
            width = len(rows[0])
            consistent = sum(1 for r in rows if len(r) == width)
            score = (consistent, width)
            if score > best:
                separator, best = sep, score
    decimal = options.get("decimal")
    if not decimal:
        decimal = "."
        if separator != ",":
            values = [v for row in _rows(text, separator)[1:] for v in row]
            if any(_COMMA_NUMBER.match(v) for v in values) and not any(_DOT_NUMBER.match(v) for v in values):
                decimal = ","
    return Dialect(separator, encoding, decimal, frozenset(options))


def with_encoding(dialect: Dialect, encoding: str) -> Dialect:
    return replace(dialect, encoding=encoding)
