"""Where satellite element sets come from: paths, text, bytes, open files, and Celestrak over HTTP.

:func:`read_source` turns any of these into text, :func:`detect_format` tells TLE from OMM
JSON/CSV/XML, :func:`satrecs_from_text` parses it (:mod:`gstk.orbits.tle`, :mod:`gstk.orbits.omm`) and
:func:`fetch_text` downloads with a hard timeout.  :class:`gstk.orbits.satellites.Satellites` and
:func:`gstk.orbits.satellites.load_satellites` are the user-facing API.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sgp4.api import Satrec

from gstk.errors import OfflineError, SatelliteDataError
from gstk.orbits.omm import omm_records, satrecs_from_omm
from gstk.orbits.tle import satrec_from_record, tle_records

__all__ = ["FORMATS", "read_source", "detect_format", "satrecs_from_text", "source_satrecs", "tle_satrecs",
           "omm_satrecs", "celestrak_tle_text", "fetch_text"]

log = logging.getLogger(__name__)

#: Accepted ``format`` names -> reader.
FORMATS = {"tle": "tle", "3le": "tle", "2le": "tle", "txt": "tle", "omm-json": "omm-json",
           "json": "omm-json", "omm-csv": "omm-csv", "csv": "omm-csv", "omm-xml": "omm-xml",
           "xml": "omm-xml"}


def read_source(source: Any) -> tuple[str, str]:
    """Return (text, label for messages) of a path, a text, bytes or an open file."""
    if hasattr(source, "read"):
        data = source.read()
        return (data.decode("utf-8-sig") if isinstance(data, bytes) else data), "the open file"
    if isinstance(source, bytes):
        return source.decode("utf-8-sig"), "the input bytes"
    if isinstance(source, str) and ("\n" in source or source.lstrip()[:1] in ("[", "{", "<")):
        return source, "the input text"
    if not isinstance(source, (str, os.PathLike)):
        raise SatelliteDataError(f"Cannot read satellites from a {type(source).__name__}; pass a path or text.")
    path = Path(source)
    if not path.is_file():
        raise SatelliteDataError(f"No file {str(path)!r} to read satellites from.\nFix: check the path "
                                 "(the study snapshot is gstk.datasets.shared_tle_path()), or pass the text itself.")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), f"file {path.name}"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), f"file {path.name}"


def detect_format(text: str) -> str:
    """Return "omm-json", "omm-xml", "omm-csv" or "tle" from the first characters of ``text``."""
    head = text.lstrip()[:2000]
    if head[:1] in ("[", "{"):
        return "omm-json"
    if head[:1] == "<":
        return "omm-xml"
    first_line = head.splitlines()[0] if head else ""
    if "," in first_line and ("NORAD_CAT_ID" in first_line or "OBJECT_NAME" in first_line):
        return "omm-csv"
    return "tle"

def source_satrecs(source: Any, format: str | None = None) -> tuple[list[str], list[Satrec]]:
    """Return names and Satrecs of TLE or OMM from a source; ``format`` a key of ``FORMATS``, default detected."""
    text, label = read_source(source)
    if format is not None and format.lower() not in FORMATS:
        raise SatelliteDataError(f"format={format!r}; expected one of {sorted(set(FORMATS.values()))}.")
    fmt = FORMATS[format.lower()] if format else detect_format(text)
    return satrecs_from_text(text, fmt, label)


def tle_satrecs(source: Any) -> tuple[list[str], list[Satrec]]:
    """Return names and Satrecs of 2LE/3LE from a source; raise if it looks like OMM."""
    text, label = read_source(source)
    if detect_format(text) != "tle":
        raise SatelliteDataError(f"{label} looks like {detect_format(text)}, not TLE.\n"
                                 "Fix: use Satellites.from_omm or load_satellites (detects the format).")
    return satrecs_from_text(text, "tle", label)


def omm_satrecs(source: Any, format: str | None = None) -> tuple[list[str], list[Satrec]]:
    """Return names and Satrecs of OMM from a source or a list of record dicts; raise if it looks like TLE."""
    if isinstance(source, (list, tuple)):
        return satrecs_from_omm(source, "the OMM records")
    text, label = read_source(source)
    fmt = FORMATS.get((format or "").lower()) or detect_format(text)
    if not fmt.startswith("omm"):
        raise SatelliteDataError(f"{label} does not look like OMM JSON, CSV or XML (it starts with "
                                 f"{text.lstrip()[:40]!r}).\nFix: use Satellites.from_tle for TLE text.")
    return satrecs_from_text(text, fmt, label)


def satrecs_from_text(text: str, fmt: str, label: str) -> tuple[list[str], list[Satrec]]:
    """Return names and Satrecs of TLE (``fmt="tle"``) or OMM text; ``label`` names it in errors."""
    if fmt == "tle":
        records = tle_records(text, label)
        satrecs = [satrec_from_record(r, label) for r in records]
        names = [r.name or str(s.satnum) for r, s in zip(records, satrecs)]
    else:
        names, satrecs = satrecs_from_omm(omm_records(text, fmt, label), label)
    if not satrecs:
        raise SatelliteDataError(f"{label} holds no satellites ({fmt}).")
    log.debug("read %d satellites (%s) from %s", len(satrecs), fmt, label)
    return names, satrecs


def celestrak_tle_text(base_url: str, group: str, timeout_s: float,
                       path: str | os.PathLike | None = None) -> str:
    """Return the 3LE text of Celestrak GP group ``group`` at ``base_url``; also save it to ``path``."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", group):
        raise SatelliteDataError(f"Celestrak group {group!r} must be letters, digits and '-'.")
    text = fetch_text(f"{base_url}?GROUP={group}&FORMAT=tle", timeout_s)
    if "1 " not in text or "2 " not in text:
        raise SatelliteDataError(f"Celestrak returned no element sets for group {group!r}: {text[:120]!r}.")
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    return text


def fetch_text(url: str, timeout_s: float) -> str:
    """Return the body at ``url``; OfflineError if no answer within ``timeout_s`` (DNS included)."""
    outcome: dict[str, Any] = {}
    answered = threading.Event()

    def fetch() -> None:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "gstk"})
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                answered.set()
                outcome["text"] = response.read().decode("utf-8", "replace")
        except Exception as exc:  # reported in the caller's thread
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()  # an HTTPError holds the open response
            outcome["error"] = exc
        answered.set()

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    if answered.wait(timeout_s):
        worker.join()  # the body is still bounded by the socket timeout
    error = outcome.get("error") if "text" not in outcome else None
    if isinstance(error, urllib.error.HTTPError):
        raise SatelliteDataError(f"Celestrak answered HTTP {error.code} for {url}: {error.reason}.")
    if "text" not in outcome:
        reason = error or f"no answer within {timeout_s:g} s"
        raise OfflineError(f"Cannot download {url} ({reason}): the network is not reachable.\n"
                           "Fix: connect and retry, or load a saved file offline with "
                           "load_satellites(path), e.g. load_satellites(gstk.datasets.shared_tle_path()).")
    return outcome["text"]
