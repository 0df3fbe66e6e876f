"""A draft determination, as a caseworker writes it before it goes out: what `remedies check` reads.

The draft states what the determination will say — per element the finding, the Scheme
paragraph cited, the sums and what they are for, the landlord's offers — and the orders,
recommendations and total. It may carry the facts of the case (inline, or a path relative
to the draft file), so that the findings and sums can be compared with the proposal of
`remedies assess`. Validation is strict (``extra="forbid"``, exact money) and every error
names the file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from ..errors import InputError
from ..facts import Case, Offer, Slug, Vocabulary, check_vocabulary
from ..facts import load as load_facts
from ..money import Money
from ..plausible import Day
from ..ruleset_schema import ActionKind, Finding
from ..yamlio import Document, load_file, parse_model

# What a sum is for. The judged heads sit in the band for the finding; a calculated sum or an
# out-of-pocket cost is worked out from the facts and sits outside any band.
SumFor = Literal["distress_and_inconvenience", "distress", "inconvenience", "time_and_trouble", "failings",
                 "calculated_sum", "out_of_pocket"]
CALCULATED_HEADS = ("calculated_sum", "out_of_pocket")
Weeks = Annotated[StrictInt, Field(ge=1, le=104)]
Days = Annotated[StrictInt, Field(ge=1, le=730)]
DEADLINES = ("due_weeks", "due_days", "due")
Paragraph = Annotated[str, Field(pattern=r"^\d{1,3}(\([a-z]{1,3}\))?$", max_length=12,
                                 description="as cited, e.g. '52', '42(j)', '53(b)'")]


class _Draft(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Sum(_Draft):
    """One sum the determination orders (or recommends) for an element."""

    amount: Money
    for_: SumFor | None = Field(
        None, alias="for", description="what the sum is for; omitted where the determination does not say (judged)")
    recommended: StrictBool = Field(False, description="recommended rather than ordered")
    note: str | None = Field(None, description="the determination's own words")


class DraftElement(_Draft):
    """The determination on one head of complaint."""

    id: Slug
    topic: str | None = Field(None, description="a vocabulary topic; taken from the facts where they are given")
    summary: str = ""
    finding: Finding
    paragraph: Paragraph | None = Field(None, description="the Scheme paragraph cited; new-format reports cite none")
    sums: list[Sum] = Field(default_factory=list)
    confirms_landlord_offer: StrictBool = Field(
        False, description="the sum confirms the landlord's own offer, which the finding accepts as proportionate")
    offers: list[Offer] = Field(default_factory=list, description="the landlord's offers for this element")


class _Deadline(_Draft):
    """A deadline as a determination states it: in weeks, in days, or as a date."""

    deadline_required: ClassVar[bool] = True
    due_weeks: Weeks | None = None
    due_days: Days | None = None
    due: date | None = Field(None, description="the date by which it is due ('No later than ...')")

    def deadlines_given(self) -> list[str]:
        return [name for name in DEADLINES if getattr(self, name) is not None]

    def days_from(self, on: date) -> int | None:
        """The deadline in days from the determination date (None where none is stated)."""
        if self.due is not None:
            return (self.due - on).days
        if self.due_days is not None:
            return self.due_days
        return None if self.due_weeks is None else 7 * self.due_weeks

    @model_validator(mode="after")
    def _one_deadline(self) -> "_Deadline":
        given = self.deadlines_given()
        if len(given) > 1:
            raise ValueError(f"give one deadline, not {' and '.join(given)}")
        if not given and self.deadline_required:
            raise ValueError("a deadline is required: due_weeks, due_days or due (a date)")
        return self


class Apology(_Deadline):
    from_: Literal["senior_staff", "landlord"] | None = Field(
        None, alias="from", description="senior_staff, or landlord; omitted where the determination does not say")
    role: str | None = Field(None, min_length=1, max_length=120,
                             description="the role the determination names, e.g. 'chief executive'")


class Payment(_Deadline):
    """How the sums are to be paid: the period, what they replace, what may be deducted."""

    replaces_offers: Money | None = Field(None, description="the landlord's offers the order says it replaces")
    in_addition_to_offers: Money | None = Field(
        None, description="the landlord's earlier offers the order says to pay as well as its sums, if not yet paid")
    deduct_if_paid: Money | None = Field(None, description="what may be deducted if the landlord has already paid it")
    deduct_payments_made: StrictBool = Field(
        False, description="the order lets the landlord deduct any payments already made, naming no sum")
    remaining_if_paid: Money | None = Field(None, description="what then remains to pay")
    offset_against_arrears: Literal["never", "only_with_agreement", "allowed"] | None = None
    note: str | None = None


class Action(_Deadline):
    """A specific action ordered, with its deadline (where the determination gives one)."""

    deadline_required: ClassVar[bool] = False
    kind: ActionKind
    text: str = Field(min_length=1)
    elements: list[Slug] = Field(default_factory=list, description="the elements it addresses (none: the case)")
    includes: list[ActionKind] = Field(default_factory=list, description="actions a review is to cover")


class Orders(_Draft):
    apology: Apology | None = None
    payment: Payment | None = None
    actions: list[Action] = Field(default_factory=list)


class Recommendation(_Draft):
    text: str = Field(min_length=1)
    elements: list[Slug] = Field(default_factory=list)


class DraftFile(_Draft):
    reference: str = Field(min_length=1, max_length=40, description="the complaint number")
    landlord: Slug
    determined_on: Day
    facts: str | dict[str, Any] | None = Field(
        None, description="the facts: a path relative to this file, or an inline facts mapping")
    elements: list[DraftElement] = Field(min_length=1, max_length=50)
    orders: Orders = Field(default_factory=Orders)
    recommendations: list[Recommendation] = Field(default_factory=list)
    total: Money | None = Field(None, description="the total stated, if the determination states one")

    @model_validator(mode="after")
    def _unique_ids(self) -> "DraftFile":
        ids = [e.id for e in self.elements]
        for el_id in ids:
            if ids.count(el_id) > 1:
                raise ValueError(f"element id '{el_id}' is used twice")
        return self


@dataclass(frozen=True)
class Draft:
    """A validated draft, with its facts (if any) and where each came from."""

    spec: DraftFile
    path: str
    case: Case | None
    facts_source: str | None

    def topic(self, el: DraftElement) -> str:
        """The element's topic: from the facts where they are given, else as the draft states it."""
        if self.case:
            return next(e.topic for e in self.case.elements if e.id == el.id)
        return el.topic or ""


def _error(doc: Document, loc: tuple, message: str) -> InputError:
    return InputError(message, file=doc.path, line=doc.line_of(loc), field=".".join(str(p) for p in loc))


def _inline_facts(doc: Document, data: dict, vocab: Vocabulary) -> Case:
    """Facts given inline: validated where they stand, so errors point into the draft."""
    case = parse_model(doc, Case, data=data, base=("facts",))
    inner = Document(doc.path, data, {loc[1:]: line for loc, line in doc.lines.items() if loc[:1] == ("facts",)})
    try:
        check_vocabulary(inner, case, vocab)
    except InputError as exc:
        raise InputError(exc.message, file=exc.file, line=exc.line, field=f"facts.{exc.field}") from None
    return case


def _cross_check(doc: Document, spec: DraftFile, case: Case | None, vocab: Vocabulary) -> None:
    """References a schema cannot see: topics, element ids, and agreement with the facts."""
    ids = [e.id for e in spec.elements]
    for i, el in enumerate(spec.elements):
        if el.topic is not None and el.topic not in vocab.topics:
            raise _error(doc, ("elements", i, "topic"),
                         f"unknown topic '{el.topic}'; known: {', '.join(sorted(vocab.topics))}")
    for key, items in (("actions", spec.orders.actions), ("recommendations", spec.recommendations)):
        base = ("orders", "actions") if key == "actions" else ("recommendations",)
        for i, item in enumerate(items):
            for j, el_id in enumerate(item.elements):
                if el_id not in ids:
                    raise _error(doc, base + (i, "elements", j),
                                 f"'{el_id}' is not an element of this draft; its elements: {', '.join(ids)}")
    dated: list[tuple[tuple, _Deadline | None]] = [(("apology",), spec.orders.apology),
                                                     (("payment",), spec.orders.payment)]
    dated += [(("actions", i), a) for i, a in enumerate(spec.orders.actions)]
    for where, order in dated:
        if order is not None and order.due is not None and order.due <= spec.determined_on:
            raise _error(doc, ("orders", *where, "due"),
                         f"due {order.due} is not after the determination date {spec.determined_on}")
    if case is None:
        return
    for name, ours, theirs in (("reference", spec.reference, case.case.reference),
                               ("landlord", spec.landlord, case.case.landlord)):
        if ours != theirs:
            raise _error(doc, (name,), f"the draft's {name} '{ours}' is not the facts' '{theirs}'")
    known = {e.id: e for e in case.elements}
    for i, el in enumerate(spec.elements):
        if el.id not in known:
            raise _error(doc, ("elements", i, "id"),
                         f"'{el.id}' is not an element of the facts; their elements: {', '.join(known)}")
        if el.topic is not None and el.topic != known[el.id].topic:
            raise _error(doc, ("elements", i, "topic"),
                         f"topic '{el.topic}' differs from the facts' '{known[el.id].topic}'")


def load(path: str | Path, vocab: Vocabulary) -> Draft:
    """Load and validate a draft determination, and its facts where it names them."""
    return from_document(load_file(path), vocab, Path(path).parent)


def from_document(doc: Document, vocab: Vocabulary, base: Path | None) -> Draft:
    """Validate a parsed draft; facts named by path are read relative to ``base``, refused where it is None
    (a draft sent to `remedies serve` must carry its facts inline: the service reads no files it is told to)."""
    if not isinstance(doc.data, dict):
        raise InputError("a draft file must be a mapping with 'reference', 'landlord', 'determined_on' and "
                         "'elements'", file=doc.path, line=1)
    spec = parse_model(doc, DraftFile)
    case: Case | None = None
    source: str | None = None
    if isinstance(spec.facts, str):
        if base is None:
            raise _error(doc, ("facts",), "give the facts inline: a draft sent to the service cannot name a file")
        facts_path = base / spec.facts
        try:
            case, source = load_facts(facts_path, vocab), str(facts_path)
        except InputError as exc:
            if exc.line is not None or exc.file != str(facts_path):
                raise
            # the file itself cannot be read: say so at the draft's line that names it
            problem = "" if exc.message == "no such file" else f": {exc.message}"
            raise _error(doc, ("facts",), f"no facts file '{spec.facts[:200]}'{problem} "
                         f"(looked for {str(facts_path)[:200]})") from None
    elif isinstance(spec.facts, dict):
        case, source = _inline_facts(doc, spec.facts, vocab), "inline"
    _cross_check(doc, spec, case, vocab)
    return Draft(spec, doc.path, case, source)
