"""Valid but huge: a facts file just under the size bound must still be assessed quickly."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from hostile_runner import CPU_SECONDS, remedies

COMPLAINTS = 11_000


def huge_facts(path: Path) -> Path:
    """11,000 complaints spread over 1990–2100, and a failure spanning the whole range (~1.7 MB)."""
    lines = ["case: {reference: huge, landlord: clarion, decided_on: 2100-12-31}\ncomplaints:\n"]
    for i in range(COMPLAINTS):
        made = date(1990, 1, 1) + timedelta(days=i * 3)
        lines.append(f"  - {{made: {made}, acknowledged: {made + timedelta(days=5)}, "
                     f"stage1_response: {made + timedelta(days=30)}, escalation_requested: {made + timedelta(days=40)}, "
                     f"stage2_response: {made + timedelta(days=80)}}}\n")
    lines.append("elements:\n  - {id: e, topic: complaint_handling, failures: "
                 "[{kind: repair_delay, from: 1990-01-01, to: 2100-12-31}]}\n")
    path.write_text("".join(lines))
    assert 1_000_000 < path.stat().st_size < 2_000_000
    return path


def test_eleven_thousand_complaints_spanning_1990_to_2100_finish_within_5_seconds(tmp_path):
    result = remedies("assess", str(huge_facts(tmp_path / "huge.yaml")), "--format", "json")
    assert result.code == 0, result.err[-500:]
    assert result.cpu < CPU_SECONDS, f"took {result.cpu:.1f} s of CPU"
    # the trace lists each derive rule's first complaints and counts the rest; the changes are not tried
    assert len(result.out) < 2_000_000, f"{len(result.out):,} bytes of JSON"
    done = json.loads(result.out)
    assert any("more complaints" in (t.get("subject") or "") for t in done["elements"][0]["trace"])
    assert done["elements"][0]["what_would_change"]["not_explored"].startswith("not explored: the case has 11,001")
