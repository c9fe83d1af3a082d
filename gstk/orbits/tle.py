"""Two- and three-line element sets: split a text into records, check each line, build Satrecs.

A record is an optional name line (with or without the ``0 `` prefix of
Space-Track's 3LE) followed by TLE line 1 and line 2.  Blank lines are
ignored.  Every line is checked against the column template of the NORAD
two-line format (Celestrak, "NORAD Two-Line Element Set Format")::

    1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN
    2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN

then against its modulo-10 checksum (digits count their value, ``-``
counts 1), and line 1 and line 2 must carry the same satellite number.
Any failure raises :class:`~gstk.errors.TLEError` with the 1-based line
number in the source.  Parsing itself is python-sgp4's
``Satrec.twoline2rv`` (WGS72, improved mode), so gstk and sgp4 read the same
numbers.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from sgp4.api import SGP4_ERRORS, WGS72, Satrec

from gstk.errors import TLEError

#: Column templates of TLE line 1 and 2 (N digit, C classification, A letter, + sign).
TLE_TEMPLATES = {
    1: "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN",
    2: "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN",
}
TLE_LINE_LENGTH = 69

_SATNUM = r"[0-9A-HJ-NP-Z ][0-9 ]{3}[0-9]"  # Alpha-5 letter allowed in column 3
_ANGLE = r"[ 0-9]{2}[0-9]\.[0-9]{4}"
_EXP = r"[ +-][0-9]{5}[ +-][0-9]"
#: Fields of TLE lines 1 and 2: (first column, last column, what the field holds, regex),
#: columns 1-based inclusive.
TLE_FIELDS = {
    1: [
        (1, 1, "line number", "1"), (2, 2, "blank", " "),
        (3, 7, "satellite number", _SATNUM), (8, 8, "classification U/C/S", "[UCS ]"),
        (9, 9, "blank", " "), (10, 17, "international designator", "[0-9 ]{5}[A-Z ]{3}"),
        (18, 18, "blank", " "), (19, 32, "epoch YYDDD.DDDDDDDD", r"[0-9]{2}[ 0-9]{2}[0-9]\.[0-9]{8}"),
        (33, 33, "blank", " "), (34, 43, "first derivative of mean motion", r"[ +-]\.[0-9]{8}"),
        (44, 44, "blank", " "), (45, 52, "second derivative of mean motion", _EXP),
        (53, 53, "blank", " "), (54, 61, "BSTAR drag term", _EXP),
        (62, 62, "blank", " "), (63, 63, "ephemeris type", "[0-9 ]"),
        (64, 64, "blank", " "), (65, 68, "element set number", "[ 0-9]{3}[0-9]"),
        (69, 69, "checksum", "[0-9]"),
    ],
    2: [
        (1, 1, "line number", "2"), (2, 2, "blank", " "),
        (3, 7, "satellite number", _SATNUM), (8, 8, "blank", " "),
        (9, 16, "inclination, deg", _ANGLE), (17, 17, "blank", " "),
        (18, 25, "right ascension of the ascending node, deg", _ANGLE), (26, 26, "blank", " "),
        (27, 33, "eccentricity, decimal point assumed", "[0-9]{7}"), (34, 34, "blank", " "),
        (35, 42, "argument of perigee, deg", _ANGLE), (43, 43, "blank", " "),
        (44, 51, "mean anomaly, deg", _ANGLE), (52, 52, "blank", " "),
        (53, 63, "mean motion, rev/day", r"[ 0-9][0-9]\.[0-9]{8}"),
        (64, 68, "revolution number at epoch", "[ 0-9]{4}[0-9]"), (69, 69, "checksum", "[0-9]"),
    ],
}
_FIELDS = TLE_FIELDS  # former private name, kept as an alias
_LINE_RE = {k: re.compile("".join(f"({rx})" for *_, rx in fields)) for k, fields in TLE_FIELDS.items()}
_FIELD_RE = {k: [re.compile(rx) for *_, rx in fields] for k, fields in TLE_FIELDS.items()}
# Checksum weights: each digit counts its value, '-' counts 1, everything else 0.
_CHECKSUM_TABLE = bytes(
    (c - 48 if 48 <= c <= 57 else 1 if c == 45 else 0) for c in range(256)
)


class TLERecord(NamedTuple):
    """One element set as read: name (None in 2LE), both lines, 1-based line numbers of both."""

    name: str | None
    line1: str
    line2: str
    line_number: int
    line2_number: int


def tle_checksum(line: str) -> int:
    """Return the modulo-10 checksum of the first 68 columns of a TLE line.

    Examples
    --------
    >>> tle_checksum("1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993")
    3
    """
    return sum(line[:68].encode("ascii", "replace").translate(_CHECKSUM_TABLE)) % 10


def tle_records(text: str, source: str = "the input text") -> list[TLERecord]:
    """Split a TLE/3LE text into records and check every line.

    Parameters
    ----------
    text : str
        Two-line (2LE) or three-line (3LE) element sets; name lines may
        start with ``0 ``; blank lines and trailing spaces are ignored.
    source : str
        How the text is called in error messages (e.g. ``"file active.tle"``).

    Returns
    -------
    list of TLERecord
        ``(name, line1, line2, line_number)`` in file order.

    Raises
    ------
    TLEError
        On a line out of place, off the column template, with a wrong
        checksum, or a line pair whose satellite numbers differ.

    Examples
    --------
    >>> text = '''ISS (ZARYA)
    ... 1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
    ... 2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003'''
    >>> [r.name for r in tle_records(text)]
    ['ISS (ZARYA)']
    """
    lines = [(n, line.rstrip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    records: list[TLERecord] = []
    name: tuple[int, str] | None = None
    i = 0
    while i < len(lines):
        number, line = lines[i]
        following = lines[i + 1][1] if i + 1 < len(lines) else ""
        if _starts(line, "1") and _starts(following, "2"):
            record = TLERecord(name[1] if name else None, line, following, number, lines[i + 1][0])
            check_record(record, source)
            records.append(record)
            name, i = None, i + 2
            continue
        if _starts(line, "2") and len(line) >= 60:
            raise TLEError(f"TLE line 2 at line {number} of {source} has no line 1 before it:\n  {line}\n"
                           "Fix: restore the missing line 1 or delete this line.", number)
        if _starts(line, "1") and len(line) >= 60:
            raise TLEError(f"TLE line 1 at line {number} of {source} is not followed by a line 2 "
                           f"(next: {following!r}).\nFix: restore the missing line 2 or delete this line.",
                           number)
        if name is not None:
            raise TLEError(f"Name line {name[0]} of {source} ({name[1]!r}) is followed by {line!r} "
                           f"at line {number}, not by TLE line 1.\nFix: each name line must be followed "
                           "by the two TLE lines of that satellite.", number)
        name = (number, line[2:].strip() if line.startswith("0 ") else line.strip())
        i += 1
    if name is not None:
        raise TLEError(f"Name line {name[0]} of {source} ({name[1]!r}) ends the text without TLE lines.\n"
                       "Fix: add its two TLE lines or delete the name.", name[0])
    return records


def _starts(line: str, digit: str) -> bool:
    """Whether ``line`` begins like TLE line ``digit`` (the digit, then a space or a stray tab)."""
    return line[:1] == digit and line[1:2] in (" ", "\t")


def check_record(record: TLERecord, source: str = "the input text") -> None:
    """Raise TLEError if either line is off the template or checksum, or the satellite numbers differ."""
    who = f"{record.name!r}" if record.name else f"satellite {record.line1[2:7].strip()!r}"
    for k, line, number in ((1, record.line1, record.line_number), (2, record.line2, record.line2_number)):
        where = f"TLE line {k} of {who} (line {number} of {source})"
        if len(line) != TLE_LINE_LENGTH or not _LINE_RE[k].fullmatch(line):
            raise TLEError(template_problem(line, k, where), number)
        given, tally = int(line[68]), tle_checksum(line)
        if given != tally:
            raise TLEError(f"{where} gives checksum {given} but tallies to {tally}:\n  {line}\n"
                           "Fix: a digit was mistyped or lost; take a fresh copy of this element set.",
                           number)
    if record.line1[2:7] != record.line2[2:7]:
        raise TLEError(f"TLE lines 1 and 2 of {who} (from line {record.line_number} of {source}) give "
                       f"different satellite numbers: {record.line1[2:7]!r} on line 1 but "
                       f"{record.line2[2:7]!r} on line 2.\nFix: the lines belong to different "
                       "satellites; pair each line 1 with its own line 2.", record.line_number)


def template_problem(line: str, k: int, where: str) -> str:
    """Return a message naming the first field of ``line`` off template ``k``, printed under the template."""
    padded = line.ljust(TLE_LINE_LENGTH)
    problems = []
    if len(line) != TLE_LINE_LENGTH:
        problems.append(f"the line is {len(line)} characters long, expected {TLE_LINE_LENGTH}")
    first, last = TLE_LINE_LENGTH + 1, len(line)
    for (first_col, last_col, what, _), rx in zip(TLE_FIELDS[k], _FIELD_RE[k]):
        if not rx.fullmatch(padded[first_col - 1:last_col]):
            problems.append(f"columns {first_col}-{last_col} ({what}) read {padded[first_col - 1:last_col]!r}")
            first, last = first_col, last_col
            break
    problem = "; ".join(problems)
    marker = " " * (first - 1) + "^" * max(1, last - first + 1)
    return (f"{where} does not match the TLE column template: {problem}.\n"
            f"  {line}\n  {TLE_TEMPLATES[k]}\n  {marker}\n"
            "Fix: the line must have 69 columns laid out as the template shows "
            "(N digit, C classification, A letter, + sign or blank); check for tabs, "
            "lost or extra spaces, or a truncated copy.")


def satrec_from_record(record: TLERecord, source: str = "the input text") -> Satrec:
    """Return the WGS72 Satrec of a checked record; TLEError if SGP4 rejects its elements."""
    satrec = Satrec.twoline2rv(record.line1, record.line2, WGS72)
    if satrec.error:
        who = record.name or record.line1[2:7].strip()
        raise TLEError(f"SGP4 rejects the elements of {who!r} (line {record.line_number} of {source}): "
                       f"{SGP4_ERRORS.get(satrec.error, satrec.error)}.\n"
                       "Fix: drop this element set or take a newer one.", record.line_number)
    return satrec
