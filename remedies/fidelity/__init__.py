"""`remedies fidelity`: how far the proposals agree with decisions already published.

A corpus is a set of case folders, each with the facts (`facts.yaml`), the published outcome
(`outcome.yaml`) and optionally the published determination as a draft (`draft.yaml`). The
facts are assessed exactly as `remedies assess` would, without reading the outcome; only then
is each proposal compared with the outcome, element by element and in order.
"""
