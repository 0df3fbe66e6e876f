"""Assess: the engine's run for one case made into the proposal (findings, sums, orders, offers
advice, the trace with each decision's nearest miss) that every report renders."""

from .proposal import DISCLAIMER, ORDERABLE, TRACE_LEVELS, TRACE_VERSION, build

__all__ = ["DISCLAIMER", "ORDERABLE", "TRACE_LEVELS", "TRACE_VERSION", "build"]
