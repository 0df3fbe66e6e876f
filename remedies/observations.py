"""Turn a Case into flat JSON-scalar facts, the only thing durable_rules can compare.

This is arithmetic on the facts (counts, durations, working days), never guidance:
no time limit, band or threshold appears here. Every fact a rule may read is listed by
``fact_names`` so that a typo in a condition is a load-time error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .ruleset_schema import ACTION_KINDS, FINDINGS
from .facts import Case, Complaint, Element, Vocabulary
from .workdays import describe, working_days_between

UNKNOWN = -1  # a count or duration that cannot be measured (e.g. a response that never came)
PENCE_PER_POUND = 100  # a weekly rent reaches durable_rules as whole pence: JSON has no decimals

ELEMENT_FACTS: dict[str, object] = {
    "subject": "element", "element": "", "topic": "",
    "jurisdiction__other_body": "", "jurisdiction__already_determined": False,
    "jurisdiction__not_raised_with_landlord": False, "jurisdiction__out_of_time": False,
    "jurisdiction__court_proceedings": False,
    "jurisdiction__rent_or_service_charge_level": False,
    "failure_kinds": 0, "impacts": 0, "vulnerable": False, "duration_days": 0, "complaints_known": 0,
    "impact_compensated_elsewhere": False, "rent_arrears": False, "agreed_to_offset": False,
    # the landlord's redress: extents are no/partly/fully/unknown, yes-no judgements yes/no/unknown
    "acknowledged": "unknown", "apologised": "unknown", "put_right": "unknown", "learning_shown": "unknown",
    "offers": 0, "offered": 0, "paid": 0, "offer_after_referral": False,
    "out_of_pocket": 0, "out_of_pocket_unevidenced": 0,
    "amenity_weekly_rent_pence": 0, "amenity_weeks": 0, "amenity_percent": 0,
    # written by the stages as they run
    "excluded": False, "points": 0, "level": "", "proposed_amount": 0, "offer_shortfall": 0,
    "offer_over_band_top": 0,
    "finding": "", "amount": 0,
    # for elements judged after the others (vocabulary `assessed_last`): what the others were found
    "others_maladministration": 0, "others_severe": 0,
}
COMPLAINT_FACTS: dict[str, object] = {
    "subject": "complaint", "complaint": 0,
    "acknowledged_never": False, "ack_wd": UNKNOWN,
    "stage1_never": False, "stage1_wd": UNKNOWN,
    "escalated": False, "escalation_ack_never": False, "escalation_ack_wd": UNKNOWN,
    "stage2_never": False, "stage2_wd": UNKNOWN,
    "chased": 0, "escalation_chased": 0, "ombudsman_interventions": 0, "failure_order": False,
    "stage1_extended": False, "stage2_extended": False, "refused_reason": "", "issue_age_months": UNKNOWN,
}


# A draft determination (`remedies check`): one fact per draft and one per draft element.
# Arithmetic on what the draft states, the band and Scheme paragraphs in force on its date,
# and the proposal of `remedies assess` on its facts; the thresholds live in the checks ruleset.
_ACTIONS: dict[str, object] = {f"action__{k}": False for k in ACTION_KINDS}
DRAFT_ELEMENT_FACTS: dict[str, object] = {
    "subject": "draft_element", "element": "", "topic": "", "finding": "", "paragraph": "", "paragraph_kind": "",
    "scheme_paragraph_finding": "", "scheme_paragraph_redress": "", "scheme_paragraphs_jurisdiction": "",
    "judged_sum": 0, "ordered_sum": 0, "band_found": False, "band_text": "", "below_band_by": 0, "above_band_by": 0,
    "confirms_landlord_offer": False, "offered": 0, "confirmed_sum": 0, "confirmed_minus_offered": 0,
    "element_actions": 0,
    "proposal_available": False, "proposal_finding": "", "proposal_amount": 0, "proposal_excluded": False,
    "proposal_paragraph": "", "finding_differs": False, "amount_distance_from_proposal": 0,
    "offered_in_facts": 0, "offered_minus_facts": 0,
    "code_breaches": 0, "code_breach_kinds": "", **_ACTIONS,
}
DRAFT_FACTS: dict[str, object] = {
    "subject": "draft", "total_stated": False, "total": 0, "sum_of_parts": 0, "total_difference": 0,
    "total_gap_is_offers": False,
    "replaces_stated": False, "replaces_offers": 0, "replaced_offers": 0, "replaced_difference": 0,
    "deduction_stated": False, "deduct_if_paid": 0, "deduction_expected": 0, "deduction_difference": 0,
    "deduction_allowed": 0, "deduction_over_allowed": 0,
    "remaining_stated": False, "remaining_if_paid": 0, "remaining_expected": 0, "remaining_difference": 0,
    "in_addition_stated": False, "in_addition_to_offers": 0, "offers_listed": 0, "in_addition_difference": 0,
    "payment_ordered": False, "payment_due_weeks": UNKNOWN, "offset": "", "rent_arrears": False,
    "agreed_to_offset": False, "offset_agreement_stated": False, "apology_ordered": False, "apology_from": "",
    "facts_elements_missing": 0, "facts_elements_missing_ids": "",
    **{f"findings__{f}": 0 for f in FINDINGS}, **_ACTIONS,
}


SUBJECTS: dict[str, dict[str, object]] = {"element": ELEMENT_FACTS, "complaint": COMPLAINT_FACTS,
                                          "draft": DRAFT_FACTS, "draft_element": DRAFT_ELEMENT_FACTS}


def _yes_no(value: bool | None) -> str:
    """A judgement the report may not give, as durable_rules can compare it."""
    return "unknown" if value is None else ("yes" if value else "no")


def fact_names(vocab: Vocabulary) -> set[str]:
    """Every name a condition may use: the fixed facts plus one per vocabulary word."""
    return set().union(*(subject_facts(subject, vocab) for subject in SUBJECTS))


def subject_facts(subject: str, vocab: Vocabulary) -> set[str]:
    """The names a rule about one kind of subject may read: a condition on any other never matches."""
    if subject != "element":
        return set(SUBJECTS[subject])
    names = set(ELEMENT_FACTS)
    for kind in vocab.failure_kinds:
        names |= {f"failure__{kind}", f"failure__{kind}__measure"}
    names |= {f"impact__{w}" for w in vocab.impacts}
    names |= {f"vulnerability__{w}" for w in vocab.vulnerabilities}
    names |= {f"topic__{w}" for w in vocab.topics}
    names |= {f"mitigation__{w}" for w in vocab.mitigations}
    return names


@dataclass
class Observed:
    """Flat facts for one subject, and a sentence for any fact that needed computing."""

    facts: dict
    explain: dict[str, str] = field(default_factory=dict)


def element_facts(case: Case, el: Element, vocab: Vocabulary) -> Observed:
    f = dict(ELEMENT_FACTS)
    for kind in sorted(vocab.failure_kinds):
        f[f"failure__{kind}"] = 0
        f[f"failure__{kind}__measure"] = 0
    for word in sorted(vocab.impacts):
        f[f"impact__{word}"] = word in el.impacts
    for word in sorted(vocab.vulnerabilities):
        f[f"vulnerability__{word}"] = word in case.resident.vulnerabilities
    for word in sorted(vocab.topics):
        f[f"topic__{word}"] = word == el.topic or word in el.also_topics
    for word in sorted(vocab.mitigations):
        f[f"mitigation__{word}"] = word in el.mitigations
    offers = el.redress.counted_offers()
    explain: dict[str, str] = {}
    j = el.jurisdiction
    f.update({
        "element": el.id, "topic": el.topic,
        "jurisdiction__other_body": j.other_body or "",
        "jurisdiction__already_determined": j.already_determined,
        "jurisdiction__not_raised_with_landlord": j.not_raised_with_landlord,
        "jurisdiction__out_of_time": j.out_of_time,
        "jurisdiction__court_proceedings": j.court_proceedings,
        "jurisdiction__rent_or_service_charge_level": j.rent_or_service_charge_level,
        "impacts": len(set(el.impacts)), "vulnerable": bool(case.resident.vulnerabilities),
        "complaints_known": len(case.complaints),
        "impact_compensated_elsewhere": el.impact_compensated_under is not None,
        "rent_arrears": case.resident.rent_arrears, "agreed_to_offset": case.resident.agreed_to_offset,
        "acknowledged": el.redress.acknowledged, "apologised": _yes_no(el.redress.apologised),
        "put_right": el.redress.put_right, "learning_shown": _yes_no(el.redress.learning_shown),
        "offers": len(offers),
        "offered": sum(o.amount for o in offers),
        "paid": sum(o.amount for o in offers if o.paid),
        "offer_after_referral": any(o.stage == "after_referral" for o in offers),
    })
    f["out_of_pocket"] = sum(c.amount for c in el.costs if c.evidenced)
    f["out_of_pocket_unevidenced"] = sum(c.amount for c in el.costs if not c.evidenced)
    if el.loss_of_amenity:
        a = el.loss_of_amenity
        f["amenity_weekly_rent_pence"] = int(a.weekly_rent * PENCE_PER_POUND)
        f["amenity_weeks"], f["amenity_percent"] = a.weeks, a.percent
    if el.period:
        f["duration_days"] = (el.period.to - el.period.from_).days
        explain["duration_days"] = f"{f['duration_days']} days from {el.period.from_} to {el.period.to}"
    for failure in el.failures:
        f[f"failure__{failure.kind}"] += failure.count
        days = failure.working_days if failure.working_days is not None else failure.days
        if failure.working_days is not None:
            explain[f"failure__{failure.kind}__measure"] = f"{days} working days late, as stated"
        if days is None and failure.from_ and failure.to:
            days = (failure.to - failure.from_).days
            explain[f"failure__{failure.kind}__measure"] = f"{days} days from {failure.from_} to {failure.to}"
        if days:
            f[f"failure__{failure.kind}__measure"] += days
        if failure.working_days is None and days and days > f["duration_days"] and not el.period:
            # without a period, the element lasted at least as long as its longest stated failure
            f["duration_days"] = days
            explain["duration_days"] = f"{days} days, the longest failure ({failure.kind}); no period given"
    f["failure_kinds"] = sum(1 for k in vocab.failure_kinds if f[f"failure__{k}"])
    return Observed(f, explain)


def _wd(start: date, end: date, key: str, explain: dict[str, str]) -> int:
    n, _ = working_days_between(start, end)
    explain[key] = describe(start, end)
    return n


def _stage(f: dict, explain: dict[str, str], received: date, ack: date | str | None,
           response: date | str | None, names: tuple[str, str, str, str]) -> None:
    """One stage's acknowledgement and response, in working days; the response runs from the
    acknowledgement where there was one, else from receipt."""
    ack_never, ack_wd, response_never, response_wd = names
    f[ack_never] = ack == "never"
    if isinstance(ack, date):
        f[ack_wd] = _wd(received, ack, ack_wd, explain)
    start = ack if isinstance(ack, date) else received
    f[response_never] = response == "never"
    if isinstance(response, date):
        f[response_wd] = _wd(start, response, response_wd, explain)


def complaint_facts(index: int, c: Complaint) -> Observed:
    f = dict(COMPLAINT_FACTS)
    explain: dict[str, str] = {}
    f["complaint"] = index + 1
    f["chased"] = len(c.chased)
    f["escalation_chased"] = len(c.escalation_chased)
    f["ombudsman_interventions"] = len(c.ombudsman_interventions)
    f["failure_order"] = c.failure_order is not None
    f["stage1_extended"], f["stage2_extended"] = c.stage1_extended, c.stage2_extended
    f["refused_reason"] = c.refused or ""
    if c.issue_arose and c.made:
        months = (c.made.year - c.issue_arose.year) * 12 + c.made.month - c.issue_arose.month
        f["issue_age_months"] = months - (1 if c.made.day < c.issue_arose.day else 0)
        explain["issue_age_months"] = f"{f['issue_age_months']} whole months from {c.issue_arose} to {c.made}"
    if c.made:  # without the date it was made, stage 1 cannot be measured (later stages still can)
        _stage(f, explain, c.made, c.acknowledged, c.stage1_response,
               ("acknowledged_never", "ack_wd", "stage1_never", "stage1_wd"))
    else:
        f["acknowledged_never"] = c.acknowledged == "never"
        f["stage1_never"] = c.stage1_response == "never"
    if c.escalation_requested:
        f["escalated"] = True
        _stage(f, explain, c.escalation_requested, c.escalation_acknowledged, c.stage2_response,
               ("escalation_ack_never", "escalation_ack_wd", "stage2_never", "stage2_wd"))
    return Observed(f, explain)


def first_complaint_date(case: Case) -> date | None:
    """The date that selects the Complaint Handling Code and landlord policy in force."""
    return min((d for c in case.complaints if (d := c.known_start())), default=None)
