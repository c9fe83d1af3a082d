"""Cut the test excerpts from the Celestrak snapshot; see README.md in this folder.

Usage: python tests/data/make_excerpts.py /work/shared/data/celestrak-active-2025-03.tle

Writes five-satellites.3le (the snapshot's own bytes: 24-column padded names,
CRLF), and five-satellites.json / five-satellites.csv: the same element sets
as Celestrak's OMM JSON and CSV.  The OMM values are re-typed from the TLE
text fields with plain string and integer arithmetic (no sgp4), so the
OMM-vs-TLE test compares two independent routes to the same Satrec.
"""
from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

NAMES = ("LCS 1", "CXO", "ISS (ZARYA)", "NOAA 19", "SENTINEL-2A")
KEYS = ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
        "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
        "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
        "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
HERE = Path(__file__).resolve().parent


def cut(snapshot: Path) -> bytes:
    lines = snapshot.read_bytes().splitlines(keepends=True)
    out = []
    for k in range(0, len(lines), 3):
        if lines[k].decode().strip() in NAMES:
            out += lines[k:k + 3]
    assert len(out) == 3 * len(NAMES), "a satellite is missing from the snapshot"
    return b"".join(out)


def exponent_text(field: str) -> str:
    """'-18353-2' -> '-.18353E-2' (TLE assumed-decimal field, Celestrak CSV style)."""
    sign = "-" if field[0] == "-" else ""
    digits, exponent = field[1:6].rstrip("0"), int(field[6:8])
    return "0" if not digits else f"{sign}.{digits}E{exponent:+d}".replace("E+", "E")


def decimal_text(field: str) -> str:
    """' .00013398' -> '.00013398'; '-.00000006' -> '-.00000006'; ' 51.6369' -> '51.6369'."""
    text = field.strip().lstrip("+")
    return "0" if float(text) == 0 else text


def omm(name: str, line1: str, line2: str) -> dict[str, str]:
    year = 2000 + int(line1[18:20]) if int(line1[18:20]) < 57 else 1900 + int(line1[18:20])
    day, fraction = line1[20:32].split(".")
    epoch = datetime(year, 1, 1) + timedelta(days=int(day) - 1, microseconds=int(fraction) * 864)
    launch = int(line1[9:11])
    return {
        "OBJECT_NAME": name.strip(),
        "OBJECT_ID": f"{2000 + launch if launch < 57 else 1900 + launch}-{line1[11:17].strip()}",
        "EPOCH": epoch.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "MEAN_MOTION": decimal_text(line2[52:63]), "ECCENTRICITY": "." + line2[26:33],
        "INCLINATION": decimal_text(line2[8:16]), "RA_OF_ASC_NODE": decimal_text(line2[17:25]),
        "ARG_OF_PERICENTER": decimal_text(line2[34:42]), "MEAN_ANOMALY": decimal_text(line2[43:51]),
        "EPHEMERIS_TYPE": line1[62], "CLASSIFICATION_TYPE": line1[7],
        "NORAD_CAT_ID": str(int(line1[2:7])), "ELEMENT_SET_NO": str(int(line1[64:68])),
        "REV_AT_EPOCH": str(int(line2[63:68])), "BSTAR": exponent_text(line1[53:61]),
        "MEAN_MOTION_DOT": decimal_text(line1[33:43]), "MEAN_MOTION_DDOT": exponent_text(line1[44:52]),
    }


def json_value(key: str, text: str):
    """JSON types as Celestrak sends them: strings for names/ids/epoch, numbers otherwise."""
    if key in ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "CLASSIFICATION_TYPE"):
        return text
    number = float(text)
    return int(number) if number.is_integer() and "." not in text.lstrip("-")[1:] else number


def main(snapshot: str) -> None:
    excerpt = cut(Path(snapshot))
    (HERE / "five-satellites.3le").write_bytes(excerpt)
    lines = excerpt.decode().splitlines()
    records = [omm(*lines[k:k + 3]) for k in range(0, len(lines), 3)]
    with open(HERE / "five-satellites.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=KEYS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(records)
    typed = [{k: json_value(k, r[k]) for k in KEYS} for r in records]
    text = json.dumps(typed, separators=(",", ":")).replace("e-0", "e-")
    (HERE / "five-satellites.json").write_text(text)


if __name__ == "__main__":
    main(sys.argv[1])
