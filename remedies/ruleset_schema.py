"""The shape of a ruleset file: header, sources, dated parameters, rules.

Kept apart from the loader so that the effect registry can check a rule's arguments
against these models without importing the loader (which in turn uses the registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from .plausible import MAX_RULE_NUMBER, UNIT_RANGE, Day, numbers

Evidence = Literal["verified", "decision", "secondary", "unverified"]
EVIDENCE_NOTE = {
    "verified": "read in the primary text",
    "decision": "as applied in published determinations",
    "secondary": "from a secondary source (not read in the primary text)",
    "unverified": "UNVERIFIED recollection: not read in any source; check before relying on it",
}
LEVELS = ("no_maladministration", "service_failure", "maladministration", "severe_maladministration")
# What a determination can find for an element (the levels, and the two findings after redress or
# jurisdiction), and the kinds of action it can order: the words every draft and check rule uses.
Finding = Literal["no_maladministration", "service_failure", "maladministration", "severe_maladministration",
                  "reasonable_redress", "outside_jurisdiction"]
FINDINGS: tuple[str, ...] = get_args(Finding)
ActionKind = Literal["interim_measures", "record_keeping_review", "kim_self_assessment", "case_review",
                     "complaint_handling_review", "training", "action_plan", "inspection", "schedule_of_works",
                     "works", "rehousing_plan", "vulnerability_records", "other"]
ACTION_KINDS: tuple[str, ...] = get_args(ActionKind)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Source(_Model):
    id: str
    title: str
    url: str | None = None
    section: str | None = None
    evidence: Evidence


class ParamValue(_Model):
    from_: Day = Field(alias="from")
    to: Day | None = None
    value: StrictInt | str | None = None
    min: StrictInt | None = None
    max: StrictInt | None = None
    source: str
    evidence: Evidence | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> "ParamValue":
        is_band = self.min is not None or self.max is not None
        if is_band == (self.value is not None):
            raise ValueError("a parameter value has either 'value' or a band ('min'/'max'), not both")
        if is_band and self.min is None:
            raise ValueError("a band needs 'min' ('max' may be omitted for an open band)")
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self


class Parameter(_Model):
    description: str
    unit: Literal["pounds", "working_days", "days", "weeks", "points", "pounds_per_day",
                  "pounds_per_week", "count", "text"]
    level: str | None = Field(None, description="for bands: the finding level the band goes with")
    values: list[ParamValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _plausible(self) -> "Parameter":
        low, high = UNIT_RANGE.get(self.unit, (None, None))
        for v in self.values:
            for figure, least in ((v.value, low), (v.min, 0), (v.max, 0)):
                if isinstance(figure, int) and low is not None and not max(low, least) <= figure <= high:
                    raise ValueError(f"{figure} is not a plausible figure in {self.unit} "
                                     f"({max(low, least):,} to {high:,})")
        return self


class Rule(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    stage: Literal["jurisdiction", "derive", "weigh", "finding", "compensation", "redress", "orders", "check"]
    applies_to: Literal["element", "complaint", "draft", "draft_element"] = "element"
    statement: str
    source: str
    section: str | None = None
    evidence: Evidence | None = None
    when: dict[str, Any]
    then: dict[str, Any]
    overrides: list[str] = Field(default_factory=list)
    formerly: list[str] = Field(default_factory=list, description=(
        "ids this rule had in earlier versions: a ruleset that still names one in `overrides` is read as "
        "naming this rule, with a note"))

    @model_validator(mode="after")
    def _plausible(self) -> "Rule":
        for n in numbers(self.when) + numbers(self.then):
            if abs(n) > MAX_RULE_NUMBER:
                raise ValueError(f"{n} is not a plausible figure in a rule (at most {MAX_RULE_NUMBER:,} either way)")
        return self


class Fallback(_Model):
    """Where an instrument leaves something unknown, the last known instrument applies, and says so."""

    ruleset: str
    reason: str


class Scale(_Model):
    """Bands that form one ordered scale (for consistency checks)."""

    bands: list[str]
    contiguous: bool = False


class RulesetFile(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    kind: Literal["ombudsman_guidance", "code", "scheme", "statute", "landlord_policy", "vocabulary", "checks"]
    publisher: str
    version: str
    effective_from: Day
    effective_to: Day | None = None
    in_force_by: Literal["decided_on", "complaint_made"] = "decided_on"
    landlord: str | None = None
    supersedes: str | None = None
    fallback: Fallback | None = None
    notes: str | None = None
    sources: list[Source] = Field(min_length=1)
    vocabulary: dict[str, dict[str, str]] = Field(default_factory=dict)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    scales: dict[str, Scale] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    """A parameter's value in force on a date, with where it comes from."""

    name: str
    value: Any
    min: int | None
    max: int | None
    source: Source
    evidence: str
    valid_from: date
    valid_to: date | None

    def as_dict(self) -> dict:
        d = {"name": self.name, "evidence": self.evidence, "source": self.source.id,
             "valid_from": self.valid_from.isoformat(),
             "valid_to": self.valid_to.isoformat() if self.valid_to else None}
        if self.min is not None or self.max is not None:
            d.update(min=self.min, max=self.max)
        else:
            d["value"] = self.value
        return d
