"""Finding the case folders of a corpus and reading their published outcomes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt

from ..ruleset_schema import Finding
from ..errors import InputError
from ..yamlio import load_file, parse_model

FACTS, OUTCOME, DRAFT = "facts.yaml", "outcome.yaml", "draft.yaml"
# A sum ordered: whole pounds, or exact pounds and pence (YAML decimals are read as Decimal, never float)
Money = Annotated[StrictInt | Annotated[Decimal, Strict()], Field(ge=0, le=10_000_000)]


class _Outcome(BaseModel):
    # an outcome file carries much else (topics, orders, notes): only what is measured is read
    model_config = ConfigDict(extra="ignore", frozen=True)


class OutcomeElement(_Outcome):
    finding: Finding
    ordered_compensation: Money | None = Field(None, description="pounds ordered for the element; null: not known")


class Outcome(_Outcome):
    elements: list[OutcomeElement] = Field(min_length=1)
    total_ordered: Money | None = Field(None, description="pounds ordered in all; null: not known")


@dataclass(frozen=True)
class CaseDir:
    """One case folder: where it is, how it is named in the report, and the group it counts in."""

    path: Path
    label: str
    group: str

    @property
    def draft(self) -> Path | None:
        p = self.path / DRAFT
        return p if p.is_file() else None


def load_outcome(path: Path) -> Outcome:
    doc = load_file(path)
    if not isinstance(doc.data, dict):
        raise InputError("an outcome file must be a mapping with 'elements'", file=doc.path, line=1)
    return parse_model(doc, Outcome)


def discover(dirs: list[Path]) -> list[CaseDir]:
    """Every folder under DIRS holding a facts or outcome file, in name order.

    A case is named by its path from the parent of the DIR given, and counts in the group of
    the folder that holds it, so `calibration/` and `calibration/case-studies/` are reported apart.
    """
    cases: dict[Path, CaseDir] = {}
    for root in dirs:
        if not root.is_dir():
            raise InputError("not a directory of case folders", file=str(root))
        base = root.resolve().parent
        for here, subdirs, files in os.walk(root):
            subdirs.sort()
            if FACTS in files or OUTCOME in files:
                path = Path(here)
                label = path.resolve().relative_to(base).as_posix()
                group = Path(label).parent.as_posix()
                cases.setdefault(path.resolve(), CaseDir(path, label, group if group != "." else label))
    if not cases:
        raise InputError(f"no case folders (a folder with {FACTS} and {OUTCOME}) under "
                         + ", ".join(str(d) for d in dirs))
    return sorted(cases.values(), key=lambda c: c.label)
