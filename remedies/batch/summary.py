"""One summary row per element: CSV and JSON lines stream; the table is laid out once all rows are in."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from .. import money

SUMMARIES = ("csv", "jsonl", "table")
COLUMNS = ("file", "case", "landlord", "element", "topic", "finding", "amount", "band", "landlord_offer",
           "redress_outcome", "total", "warnings")


def _band(band: dict | None) -> str:
    if not band:
        return ""
    top = "" if band["max"] is None else str(band["max"])
    return f"{band['name'].removeprefix('band_')} {band['min']}-{top}"


def rows(a: dict, file: str) -> list[dict]:
    """The summary rows of one assessment, in element order (the total repeats on each row of a case)."""
    return [{"file": file, "case": a["case"]["reference"], "landlord": a["case"]["landlord"], "element": e["id"],
             "topic": e["topic"], "finding": e["finding"], "amount": e["amount"], "band": _band(e["band"]),
             "landlord_offer": e["offered"],
             "redress_outcome": (e["redress"] or {}).get("outcome", ""),
             "total": a["total"], "warnings": "; ".join(e["evidence_warnings"])}
            for e in a["elements"]]


def csv_header() -> str:
    return _csv_line(COLUMNS)


def _csv_line(values: Iterable[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def csv_rows(rs: list[dict]) -> str:
    return "".join(_csv_line(r[c] for c in COLUMNS) for r in rs)


def jsonl_rows(rs: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, default=money.json_default) + "\n" for r in rs)


def table(rs: list[dict]) -> str:
    """Columns padded to their widest cell; warnings counted, not spelled out, to fit a terminal."""
    shown = [{**r, "warnings": str(len(r["warnings"].split("; "))) if r["warnings"] else ""} for r in rs]
    cells = [list(COLUMNS)] + [[str(r[c]) for c in COLUMNS] for r in shown]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    numeric = {"amount", "landlord_offer", "total", "warnings"}
    lines = ["  ".join(cell.rjust(w) if COLUMNS[i] in numeric else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in cells]
    return "\n".join(lines) + "\n"
