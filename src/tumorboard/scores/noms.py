"""NOMS assessment: the case on the four axes of the NOMS framework. An assessment, not a decision.

Source: Laufer I, Rubin DG, Lis E, et al. The NOMS framework: approach to the treatment of spinal metastatic tumors.
Oncologist 2013;18(6):744-51 (PMID 23709750, DOI 10.1634/theoncologist.2012-0293); abstract checked (knowledge
references registry, verified). The treatment decisions of the framework live once, in the knowledge base; this module
only places the case on each axis, with what each axis was read from:

- neurologic: the ESCC band of the most compressed spinal lesion (``escc``; 1c counted as in ``escc``) and whether
  there is myelopathy (``neurology.myelopathy``).
- oncologic: radiosensitive or radioresistant to conventional radiotherapy, from ``radiosensitivity.py`` (None when the
  histology is not classified there; the reason is given).
- mechanical: the SINS band of the most unstable spinal lesion mapped stable -> stable, indeterminate ->
  potentially_unstable, unstable -> unstable (NOMS has no SINS cut-off of its own; the SINS bands are the convention
  the NOMS literature uses).
- systemic: fit / unfit / unknown from ``patient.fit_for_surgery`` (the team's judgement), with the prognosis scores it
  could draw on (Tokuhashi, Tomita, Katagiri, NESMS, modified Bauer, van der Linden) and their bands.

Categorical: value is the mapping of the four axes, min and max are null, ``determinate`` is true when every axis is
known; ``missing`` lists what would decide the unknown axes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tumorboard.model.case import Case
from tumorboard.model.result import ItemInput, ScoreResult
from tumorboard.scores import escc, sins
from tumorboard.scores._common import has_spinal_lesion
from tumorboard.scores.radiosensitivity import classify
from tumorboard.scores.table import item_input, score_result

KEY = "noms"
NAME = "NOMS assessment"
REFERENCES = ("laufer-2013-noms-framework", "bilsky-2010-escc-scale", "fisher-2010-sins")

MECHANICAL: dict[str, str] = {"stable": "stable", "indeterminate": "potentially_unstable", "unstable": "unstable"}
PROGNOSIS_SCORES = ("tokuhashi", "tomita", "katagiri", "nesms", "modified_bauer", "van_der_linden")


def _prognosis(case: Case, results: Mapping[str, ScoreResult]) -> dict[str, Any]:
    from tumorboard.scores import REGISTRY

    out: dict[str, Any] = {}
    for key in PROGNOSIS_SCORES:
        r = results[key] if key in results else REGISTRY[key].load()(case)
        if r is not None:
            out[key] = {"value": r.value, "band": r.band, "possible_bands": r.possible_bands}
    return out


def score(case: Case, results: Mapping[str, ScoreResult] | None = None) -> ScoreResult | None:
    """The four NOMS axes for a case with a spinal lesion; None without one.

    ``results`` may hold scores already computed for this case (``compute_all`` passes them); a score absent from it
    is computed here."""
    if not has_spinal_lesion(case):
        return None
    done: Mapping[str, ScoreResult] = results or {}
    inputs: dict[str, ItemInput] = {}
    missing: list[str] = []
    notes: list[str] = []

    e = done["escc"] if "escc" in done else escc.score(case)
    myelopathy = case.neurology.myelopathy
    neuro = e.band if e is not None else None
    if e is not None and neuro is None:
        missing += e.missing
    if myelopathy is None:
        missing.append("neurology.myelopathy")
    inputs["neurologic"] = item_input(
        field=f"lesions.{e.lesion}.escc_grade" if e is not None else None, value=e.value if e else None,
        category=neuro, note=f"myelopathy: {'unknown' if myelopathy is None else 'yes' if myelopathy else 'no'}")

    onc = classify(case.primary)
    if onc.sensitivity is None:
        missing.append(onc.field)
        notes.append(f"Oncologic axis not classified: {onc.note}.")
    inputs["oncologic"] = item_input(field=onc.field, value=case.primary.histology or case.primary.site,
                                    category=onc.sensitivity, note=onc.note)

    s = done["sins"] if "sins" in done else sins.score(case)
    mech = MECHANICAL[s.band] if s is not None and s.band else None
    if s is not None and mech is None:
        missing += s.missing
    inputs["mechanical"] = item_input(field=None, value=s.value if s else None, category=mech,
                                     note=f"SINS {s.band or 'undetermined: ' + ' / '.join(s.possible_bands)}"
                                     f" (lesion {s.lesion})" if s else None)

    fit = case.patient.fit_for_surgery
    systemic = "unknown" if fit is None else "fit" if fit else "unfit"
    if fit is None:
        missing.append("patient.fit_for_surgery")
    prognosis = _prognosis(case, done)
    shown = ", ".join(f"{k} {v['band'] or '/'.join(v['possible_bands'])}" for k, v in prognosis.items())
    inputs["systemic"] = item_input(field="patient.fit_for_surgery", value=fit, category=systemic,
                                   note=f"prognosis scores: {shown}" if prognosis else None)

    value = {"neurologic": neuro, "myelopathy": myelopathy, "oncologic": onc.sensitivity, "mechanical": mech,
             "systemic": systemic}
    known_axes = neuro is not None and onc.sensitivity is not None and mech is not None and fit is not None
    text = (f"NOMS: neurologic {neuro or 'unknown'}{' with myelopathy' if myelopathy else ''}, oncologic "
            f"{onc.sensitivity or 'unclassified'}, mechanical {mech or 'unknown'}, systemic {systemic}. "
            "An assessment on four axes; the treatment decision is the knowledge base's.")
    return score_result(
        key=KEY, name=NAME, value=value, determinate=known_axes, missing=list(dict.fromkeys(missing)),
        lesion=e.lesion if e is not None else None, inputs=inputs, interpretation=text, notes=notes,
        references=list(REFERENCES), extra={"prognosis": prognosis},
    )
