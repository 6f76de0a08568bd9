"""Guideline-concordance audit: does the treatment received match the plan's top option, or any option?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PATHWAYS = {"cervical": "spine", "thoracic": "spine", "lumbar": "spine", "sacrum": "sacrum-pelvis",
            "pelvis": "sacrum-pelvis", "acetabulum": "sacrum-pelvis", "femur": "long-bones", "humerus": "long-bones",
            "tibia": "long-bones", "soft_tissue": "soft-tissue", "lung": "soft-tissue"}


@dataclass
class Concordance:
    pathway: str
    n: int
    top: float
    any: float


@dataclass
class AuditReport:
    overall: Concordance
    by_pathway: list[Concordance] = field(default_factory=list)
    discordant: list[dict[str, Any]] = field(default_factory=list)


def audit(df: Any, max_listed: int = 50) -> AuditReport:
    """``df`` has ``treatment.received``, ``plan.top_modality``, ``plan.options`` and ``lesions.0.region``."""
    import polars as pl

    data = df.filter(pl.col("treatment.received").is_not_null() & pl.col("error").is_null())
    data = data.with_columns(
        (pl.col("plan.top_modality") == pl.col("treatment.received")).fill_null(False).alias("_top"),
        pl.struct(["plan.options", "treatment.received"]).map_elements(
            lambda s: s["treatment.received"] in (s["plan.options"] or "").split(";"), return_dtype=pl.Boolean
        ).alias("_any"),
        pl.col("lesions.0.region").replace_strict(PATHWAYS, default="other").alias("_pathway")
        if "lesions.0.region" in data.columns else pl.lit("all").alias("_pathway"),
    )

    def conc(frame: Any, name: str) -> Concordance:
        n = frame.height
        return Concordance(name, n, round(frame["_top"].mean() or 0.0, 4) if n else 0.0,
                           round(frame["_any"].mean() or 0.0, 4) if n else 0.0)

    report = AuditReport(conc(data, "all"))
    for name in sorted(set(data["_pathway"].to_list())):
        report.by_pathway.append(conc(data.filter(pl.col("_pathway") == name), name))
    diff = data.filter(~pl.col("_any")).head(max_listed)
    report.discordant = diff.select(["id", "treatment.received", "plan.top_modality", "plan.options"]).to_dicts()
    return report
