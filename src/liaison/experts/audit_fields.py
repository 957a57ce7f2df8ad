"""How the audit trail records the experts app (see :func:`liaison.core.audit.register_fields`).

Decisions and weights are audited with their evidence; scores and their
contributions are derived (recomputed from evidence and weights) and are not
audited row by row: the weights that made them are.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.experts.models import (
    AreaDefinition,
    Discovery,
    ExpertScore,
    MentionDecision,
    PersonDecision,
    Proposal,
    ResolutionRun,
    ScoreContribution,
    WeightSet,
)

for model in (AreaDefinition, WeightSet, Proposal, MentionDecision, PersonDecision, Discovery):
    register_fields(model)
# Derived records (reviewed: recomputed, not edited; their runs and weights are audited).
for derived in (ExpertScore, ScoreContribution, ResolutionRun):
    register_fields(derived)
