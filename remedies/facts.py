"""The facts of a complaint, as a caseworker writes them: observable events, not verdicts.

A facts file never states a finding or a sum to order. Where the guidance leaves a point
to judgement (the impact on the resident, whether the landlord put things right), the
field is named in the guidance's own words and its values are declared in the
vocabulary ruleset, so adding a word is YAML, not code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from .errors import InputError
from .plausible import MAX_POUNDS, Day
from .yamlio import Document, load_file, parse_model

Pounds = Annotated[StrictInt, Field(ge=0, le=MAX_POUNDS, description="whole pounds, never pence or floats")]
Never = Literal["never"]
MAX_COUNT = 1000  # an input bound against typos, not a guidance figure
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class CaseInfo(_Facts):
    reference: str = Field(min_length=1, max_length=40, description="the complaint number")
    landlord: Slug = Field(description="id of the landlord's policy ruleset, e.g. 'clarion'")
    decided_on: Day | None = Field(None, description="date of the (draft) determination; default for --as-of")


class Resident(_Facts):
    vulnerabilities: list[str] = Field(default_factory=list, description="words from the vocabulary")
    rent_arrears: StrictBool = Field(False, description="the resident owes rent (offsetting rules apply)")
    agreed_to_offset: StrictBool = Field(False, description="the resident agreed compensation may be set against arrears")


class Complaint(_Facts):
    """One pass through the landlord's complaints process, by its dates.

    Reports often give only part of the journey: any date may be left out, and the date the
    complaint was made may be too, so long as some date of the journey is known (it then
    selects the Code in force). A stage whose start is unknown is not measured.
    """

    made: Day | None = Field(None, description="date the complaint was made; omit if the report does not give it")
    acknowledged: Day | Never | None = Field(None, description="date, 'never', or omitted if not known")
    chased: list[Day] = Field(default_factory=list, description="dates the resident chased a response")
    stage1_response: Day | Never | None = None
    escalation_requested: Day | None = None
    escalation_chased: list[Day] = Field(default_factory=list)
    escalation_acknowledged: Day | Never | None = None
    stage2_response: Day | Never | None = None
    ombudsman_interventions: list[Day] = Field(default_factory=list,
                                                description="dates the Ombudsman asked the landlord to act")
    failure_order: Day | None = Field(None, description="date of a complaint handling failure order")
    stage1_extended: StrictBool = Field(False, description="the landlord extended stage 1, with reasons, in time")
    stage2_extended: StrictBool = Field(False, description="the landlord extended stage 2, with reasons, in time")
    issue_arose: Day | None = Field(None, description="when the matter complained of arose (or the resident learnt of it)")
    refused: Literal["older_than_12_months", "legal_proceedings", "already_considered", "other"] | None = Field(
        None, description="the landlord refused to accept the complaint, for this reason")

    def known_start(self) -> date | None:
        """The earliest date known for this journey: the complaint, else its first recorded step."""
        if self.made:
            return self.made
        days = [d for d in (self.acknowledged, self.stage1_response, self.escalation_requested,
                            self.escalation_acknowledged, self.stage2_response, *self.chased,
                            *self.escalation_chased) if isinstance(d, date)]
        return min(days, default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Complaint":
        if self.known_start() is None:
            raise ValueError("a complaint needs at least one date: 'made', or a date of a later step "
                             "(stage1_response, escalation_requested, stage2_response, ...)")
        def real(value: object) -> date | None:
            return value if isinstance(value, date) else None

        pairs = [("acknowledged", self.acknowledged, "made", self.made),
                 ("stage1_response", self.stage1_response, "made", self.made),
                 ("escalation_requested", self.escalation_requested, "made", self.made),
                 ("escalation_acknowledged", self.escalation_acknowledged, "escalation_requested",
                  self.escalation_requested),
                 ("stage2_response", self.stage2_response, "escalation_requested", self.escalation_requested)]
        for name, value, before_name, before in pairs:
            if real(value) and real(before) and real(value) < real(before):
                raise ValueError(f"impossible date: {name} ({value}) is before {before_name} ({before})")
        for name in ("escalation_acknowledged", "stage2_response", "escalation_chased"):
            if getattr(self, name) and self.escalation_requested is None:
                raise ValueError(f"{name} is given but escalation_requested is not")
        return self


class Period(_Facts):
    from_: Day = Field(alias="from")
    to: Day

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.to < self.from_:
            raise ValueError(f"impossible period: 'to' ({self.to}) is before 'from' ({self.from_})")
        return self


class Failure(_Facts):
    """Something the landlord did or failed to do, in the vocabulary's words."""

    kind: str
    count: StrictInt = Field(1, ge=1, le=MAX_COUNT, description="how many times (e.g. contacts unanswered)")
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None
    days: StrictInt | None = Field(None, ge=0, le=36500, description="duration in days, where no dates are known")
    working_days: StrictInt | None = Field(None, ge=0, le=10000, description=(
        "for a complaint-handling breach stated by the caseworker: how many working days late "
        "(e.g. 'stage 1 answered 3 months late' is about 60)"))
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Failure":
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError(f"impossible period: 'to' ({self.to}) is before 'from' ({self.from_})")
        return self


class Cost(_Facts):
    """Money the resident was out of pocket, for the calculated heads of loss."""

    amount: Pounds
    description: str
    evidenced: StrictBool = True


class LossOfAmenity(_Facts):
    """Rent-based loss of use: rent × period × a percentage the caseworker chooses (shown in the trace)."""

    weekly_rent: Annotated[Decimal, Field(ge=0, le=10_000, decimal_places=2)]
    weeks: StrictInt = Field(ge=1, le=520)
    percent: StrictInt = Field(ge=1, le=100, description="share of the home's use lost, in per cent")


OfferStage = Literal[1, 2, "after_final_response", "after_referral", "unknown"]
Extent = Literal["no", "partly", "fully", "unknown"]


class Offer(_Facts):
    """One offer as it happened: a later offer may replace the earlier ones rather than add to them."""

    amount: Pounds = Field(0, description="whole pounds; 0 or omitted for a remedy in kind with no sum given")
    stage: OfferStage = Field("unknown", description=(
        "1 or 2 (made in the stage 1 or 2 response), after_final_response (after the last response, "
        "before referral to the Ombudsman), after_referral, or unknown"))
    kind: Literal["compensation", "rent_rebate", "refund", "remedy_in_kind"] = Field(
        "compensation", description="a cash payment, a rent rebate or refund, or a remedy in kind (e.g. redecoration)")
    replaces_earlier: StrictBool = Field(False, description=(
        "true where this offer replaced the element's earlier offers (e.g. raised from £430 to £675): "
        "only the latest counts"))
    also_covers: list[Slug] = Field(default_factory=list, description=(
        "ids of other elements this one offer was also made for; it is counted once, on the element "
        "that lists it"))
    paid: StrictBool | None = Field(None, description="true, false, or omitted if not known")
    note: str | None = None


class Redress(_Facts):
    """What the landlord did to put things right, in the Dispute Resolution Principles' terms.

    Each judgement may be left out when the report does not say: unknown is not "no", and the
    rules say what they do with an unknown (e.g. reasonable redress is not refused for
    learning nobody recorded either way).
    """

    acknowledged: Extent = Field("unknown", description="did the landlord acknowledge its failings")
    apologised: StrictBool | None = Field(None, description="true, false, or omitted if not known")
    put_right: Extent = Field("unknown", description="did the landlord put things right")
    learning_shown: StrictBool | None = Field(None, description="true, false, or omitted if not known")
    offers: list[Offer] = Field(default_factory=list)

    def counted_offers(self) -> list[Offer]:
        """The offers that stand: a replacing offer drops those listed before it."""
        standing: list[Offer] = []
        for offer in self.offers:
            standing = [offer] if offer.replaces_earlier else standing + [offer]
        return standing


class Jurisdiction(_Facts):
    """Grounds a caseworker can state as facts; the Scheme ruleset maps them to paragraphs."""

    other_body: str | None = Field(None, description="a body better placed, e.g. 'ico', 'lgsco'")
    already_determined: StrictBool = False
    not_raised_with_landlord: StrictBool = False
    out_of_time: StrictBool = Field(False, description="not raised with the landlord within a reasonable time of arising")
    court_proceedings: StrictBool = False
    rent_or_service_charge_level: StrictBool = False


class Element(_Facts):
    """One head of complaint."""

    id: Slug
    topic: str
    also_topics: list[str] = Field(default_factory=list, description="further topics one element spans, e.g. leaks and damp_and_mould")
    summary: str = ""
    jurisdiction: Jurisdiction = Field(default_factory=Jurisdiction)
    period: Period | None = None
    failures: list[Failure] = Field(default_factory=list)
    impacts: list[str] = Field(default_factory=list)
    mitigations: list[str] = Field(default_factory=list, description=(
        "what lessens the landlord's responsibility, e.g. access prevented by a third party (vocabulary words)"))
    impact_compensated_under: Slug | None = Field(
        None, description="id of the element whose award already covers this element's impact")
    costs: list[Cost] = Field(default_factory=list)
    loss_of_amenity: LossOfAmenity | None = None
    redress: Redress = Field(default_factory=Redress)


class Case(_Facts):
    case: CaseInfo
    resident: Resident = Field(default_factory=Resident)
    complaints: list[Complaint] = Field(default_factory=list)
    elements: list[Element] = Field(min_length=1, max_length=50)



class Vocabulary(BaseModel):
    """The words facts may use; declared in a ruleset, checked here."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    topics: frozenset[str]
    failure_kinds: frozenset[str]
    impacts: frozenset[str]
    vulnerabilities: frozenset[str]
    other_bodies: frozenset[str]
    mitigations: frozenset[str] = frozenset()
    assessed_last: frozenset[str] = frozenset()  # topics judged after the others, reading what they found


def _check_word(doc: Document, loc: tuple, word: str, known: frozenset[str], what: str) -> None:
    if word not in known:
        raise InputError(f"unknown {what} '{word}'; known: {', '.join(sorted(known))}",
                         file=doc.path, line=doc.line_of(loc), field=".".join(str(p) for p in loc))


def _fail(doc: Document, loc: tuple, message: str) -> InputError:
    return InputError(message, file=doc.path, line=doc.line_of(loc), field=".".join(str(p) for p in loc))


def _check_references(doc: Document, case: Case) -> None:
    """What one field cannot check alone: unique ids, and what an element or complaint points at."""
    ids = [e.id for e in case.elements]
    for i, el in enumerate(case.elements):
        if el.id in ids[:i]:
            raise _fail(doc, ("elements", i, "id"), f"element id '{el.id}' is used twice")
        target = el.impact_compensated_under
        if target is None:
            continue
        if target not in ids:
            raise _fail(doc, ("elements", i, "impact_compensated_under"), f"names '{target}', which is not an "
                        f"element of this case; elements: {', '.join(ids)}")
        chain, step = [el.id], target
        while step is not None:  # follow the chain: it must end at an element that carries its own award
            chain.append(step)
            if step in chain[:-1]:
                raise _fail(doc, ("elements", i, "impact_compensated_under"),
                            f"impact_compensated_under goes round in a circle: {' → '.join(chain)}")
            step = case.elements[ids.index(step)].impact_compensated_under
    for i, el in enumerate(case.elements):
        for j, offer in enumerate(el.redress.offers):
            for k, other in enumerate(offer.also_covers):
                if other not in ids or other == el.id:
                    raise _fail(doc, ("elements", i, "redress", "offers", j, "also_covers", k),
                                f"names '{other}', which is not another element of this case; elements: {', '.join(ids)}")
    decided = case.case.decided_on
    for i, c in enumerate(case.complaints):
        start = c.known_start()
        if decided and start and start > decided:
            raise _fail(doc, ("complaints", i, "made" if c.made else "stage1_response"),
                        f"the complaint ({start}) is after the case was decided ({decided})")


def check_vocabulary(doc: Document, case: Case, vocab: Vocabulary) -> None:
    """Every word a facts file uses must be declared; the error lists the known ones."""
    _check_references(doc, case)
    for i, v in enumerate(case.resident.vulnerabilities):
        _check_word(doc, ("resident", "vulnerabilities", i), v, vocab.vulnerabilities, "vulnerability")
    for i, el in enumerate(case.elements):
        base = ("elements", i)
        _check_word(doc, base + ("topic",), el.topic, vocab.topics, "topic")
        for j, word in enumerate(el.also_topics):
            _check_word(doc, base + ("also_topics", j), word, vocab.topics, "topic")
        for j, word in enumerate(el.mitigations):
            _check_word(doc, base + ("mitigations", j), word, vocab.mitigations, "mitigation")
        for j, f in enumerate(el.failures):
            _check_word(doc, base + ("failures", j, "kind"), f.kind, vocab.failure_kinds, "failure kind")
        for j, word in enumerate(el.impacts):
            _check_word(doc, base + ("impacts", j), word, vocab.impacts, "impact")
        if el.jurisdiction.other_body:
            _check_word(doc, base + ("jurisdiction", "other_body"), el.jurisdiction.other_body,
                        vocab.other_bodies, "body")


def load(path: str | Path, vocab: Vocabulary) -> Case:
    """Load, validate and vocabulary-check one facts file."""
    return from_document(load_file(path), vocab)


def from_document(doc: Document, vocab: Vocabulary) -> Case:
    """Validate and vocabulary-check parsed facts (a file, or a request body for `remedies serve`)."""
    if not isinstance(doc.data, dict):
        raise InputError("a facts file must be a mapping with 'case' and 'elements'", file=doc.path, line=1)
    case = parse_model(doc, Case)
    check_vocabulary(doc, case, vocab)
    return case


