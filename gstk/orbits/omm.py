"""CCSDS Orbit Mean-Elements Messages (OMM) as Celestrak serves them: JSON, CSV, XML -> Satrecs.

Celestrak's ``gp.php?FORMAT=json`` returns a list of flat records, its
``FORMAT=csv`` the same keys as a header row, and ``FORMAT=xml`` the CCSDS
XML layout.  Reading CSV and XML is python-sgp4's ``sgp4.omm.parse_csv`` and
``parse_xml``; building the Satrec is ``sgp4.omm.initialize`` (WGS72,
improved mode), the same ``sgp4init`` call that TLE parsing ends in.  gstk
adds what a user needs at the boundary: a check that every required key is
there and numeric, a tolerant EPOCH reader (ISO 8601, with or without
fraction or ``Z``), and errors naming the record.
"""
from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any, Iterable, Mapping

from sgp4 import omm as sgp4_omm
from sgp4.api import SGP4_ERRORS, WGS72, Satrec

from gstk.errors import SatelliteDataError
from gstk.times import utc

#: Keys every OMM record must carry (numeric except EPOCH).
OMM_REQUIRED = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                "ARG_OF_PERICENTER", "MEAN_ANOMALY", "NORAD_CAT_ID", "BSTAR")
#: Bookkeeping keys, filled with these values when a record lacks them.
OMM_DEFAULTS = {"OBJECT_NAME": "", "OBJECT_ID": "", "CLASSIFICATION_TYPE": "U", "EPHEMERIS_TYPE": 0,
                "ELEMENT_SET_NO": 999, "REV_AT_EPOCH": 0, "MEAN_MOTION_DOT": 0.0,
                "MEAN_MOTION_DDOT": 0.0}
#: The keys (and order) of Celestrak's OMM CSV header.
CELESTRAK_OMM_KEYS = ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY",
                      "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY",
                      "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
                      "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
_NUMERIC = OMM_REQUIRED[1:] + ("EPHEMERIS_TYPE", "ELEMENT_SET_NO", "REV_AT_EPOCH",
                                "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
_SGP4_EPOCH_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"  # what sgp4.omm.initialize parses


def omm_records(text: str, fmt: str, source: str = "the input text") -> list[dict[str, Any]]:
    """Return the records of an OMM text as a list of dicts.

    Parameters
    ----------
    text : str
        The message: a JSON list (or one object), a CSV with a header row, or
        CCSDS OMM XML.
    fmt : {"omm-json", "omm-csv", "omm-xml"}
        Which of the three ``text`` is.
    source : str
        How the text is called in error messages.

    Examples
    --------
    >>> rows = omm_records('[{"OBJECT_NAME": "X", "NORAD_CAT_ID": 1}]', "omm-json")
    >>> rows[0]["OBJECT_NAME"]
    'X'
    """
    if fmt == "omm-json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SatelliteDataError(f"{source} is not valid OMM JSON ({exc}); it starts with "
                                     f"{text[:80]!r}.\nFix: pass Celestrak's FORMAT=json output.") from exc
        data = [data] if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise SatelliteDataError(f"{source}: OMM JSON must be a list of objects (one per "
                                     "satellite), as Celestrak serves it.")
        return data
    if fmt == "omm-csv":
        return [dict(row) for row in sgp4_omm.parse_csv(io.StringIO(text))]
    if fmt == "omm-xml":
        try:
            return list(sgp4_omm.parse_xml(io.StringIO(text)))
        except Exception as exc:  # ElementTree errors or a missing <data>/<meanElements> block
            raise SatelliteDataError(f"{source} is not CCSDS OMM XML as Celestrak serves it "
                                     f"({type(exc).__name__}: {exc}).") from exc
    raise SatelliteDataError(f"Unknown OMM format {fmt!r}; expected 'omm-json', 'omm-csv' or 'omm-xml'.")


def satrecs_from_omm(records: Iterable[Mapping[str, Any]], source: str = "the input text"
                     ) -> tuple[list[str], list[Satrec]]:
    """Return (object names, Satrecs) built from OMM records with ``sgp4.omm.initialize``.

    Raises
    ------
    SatelliteDataError
        If a record lacks a required key, holds a non-number, has an
        unreadable EPOCH, or SGP4 rejects its elements.

    Examples
    --------
    >>> iss = {"OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A",
    ...        "EPOCH": "2025-03-11T10:57:43.125696", "MEAN_MOTION": 15.49895111,
    ...        "ECCENTRICITY": 0.0006338, "INCLINATION": 51.6369, "RA_OF_ASC_NODE": 71.0836,
    ...        "ARG_OF_PERICENTER": 10.6648, "MEAN_ANOMALY": 86.8244, "NORAD_CAT_ID": 25544,
    ...        "BSTAR": 0.00024313, "MEAN_MOTION_DOT": 0.00013398}
    >>> names, satrecs = satrecs_from_omm([iss])
    >>> names, satrecs[0].satnum
    (['ISS (ZARYA)'], 25544)
    """
    names, satrecs = [], []
    for index, record in enumerate(records):
        fields = checked_fields(record, index, source)
        satrec = Satrec()
        sgp4_omm.initialize(satrec, fields, WGS72)
        if satrec.error:
            raise SatelliteDataError(f"{_where(fields, index, source)}: SGP4 rejects the elements: "
                                     f"{SGP4_ERRORS.get(satrec.error, satrec.error)}.")
        names.append(str(fields["OBJECT_NAME"]).strip() or str(satrec.satnum))
        satrecs.append(satrec)
    return names, satrecs


def checked_fields(record: Mapping[str, Any], index: int, source: str) -> dict[str, Any]:
    """Return a copy of ``record`` with defaults filled, numbers checked and EPOCH normalized."""
    fields = {**OMM_DEFAULTS, **{k: v for k, v in record.items() if v not in (None, "")}}
    missing = [key for key in OMM_REQUIRED if key not in fields]
    if missing:
        raise SatelliteDataError(f"{_where(fields, index, source)} lacks {', '.join(missing)}.\n"
                                 f"Fix: OMM records need {', '.join(OMM_REQUIRED)}.")
    for key in _NUMERIC:
        try:
            float(fields[key])
        except (TypeError, ValueError):
            raise SatelliteDataError(f"{_where(fields, index, source)}: {key} is {fields[key]!r}, "
                                     "expected a number.") from None
    theory = str(fields.get("MEAN_ELEMENT_THEORY", "SGP4")).strip().upper()
    if theory != "SGP4":
        raise SatelliteDataError(f"{_where(fields, index, source)} holds {theory} mean elements; "
                                 "gstk propagates SGP4 elements only.")
    fields["NORAD_CAT_ID"] = int(float(fields["NORAD_CAT_ID"]))
    fields["EPOCH"] = sgp4_epoch_text(fields["EPOCH"], _where(fields, index, source))
    return fields


def sgp4_epoch_text(epoch: Any, where: str = "OMM record") -> str:
    """Return an ISO 8601 UTC epoch in the exact layout ``sgp4.omm.initialize`` parses.

    Examples
    --------
    >>> sgp4_epoch_text("2025-03-10T11:46:49Z")
    '2025-03-10T11:46:49.000000'
    """
    try:
        moment = datetime.fromisoformat(str(epoch).strip())
    except ValueError:
        raise SatelliteDataError(f"{where}: EPOCH {epoch!r} is not an ISO 8601 time such as "
                                 "'2025-03-10T11:46:49.199808'.") from None
    return utc(moment).strftime(_SGP4_EPOCH_FORMAT)


def _where(fields: Mapping[str, Any], index: int, source: str) -> str:
    name = str(fields.get("OBJECT_NAME", "") or fields.get("NORAD_CAT_ID", "?")).strip()
    return f"OMM record {index + 1} ({name!r}) of {source}"
