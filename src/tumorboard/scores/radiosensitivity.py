"""Radiosensitivity of a histology to conventional external-beam radiotherapy (cEBRT), the oncologic axis of NOMS.

The classes are histology-level conventions of the NOMS literature (Laufer I et al. Oncologist 2013;18(6):744-51),
which draws on Gilbert 1978, Maranzano 1995 and Katagiri 1998. Sources checked (docs/score-verification.md):
- AO Surgery Reference, "Classification of tumor radiosensitivity" (seen with the search tool): radiosensitive
  lymphoma, myeloma, seminoma; radioresistant renal cell, melanoma, thyroid, colorectal; radioresistant tumours need
  SBRT for durable control.
- CCTG SC.24 (shared/clinical/guideline-facts.md [V]): radioresistant histologies used as the stratum were
  gastrointestinal, sarcoma, melanoma and renal cell carcinoma.
- Conventional chondrosarcoma relatively radioresistant (guideline-facts [V], PMC7409290).
Left unclassified because no source was seen (shared/clinical/scores.md marks them [M]): the "moderately
radiosensitive" group (breast, prostate, ovarian, neuroendocrine), hepatocellular, lung (non-small-cell resistant and
small-cell sensitive by common teaching), and sarcoma subtypes known to respond differently from the class (Ewing,
rhabdomyosarcoma, desmoplastic small round cell, myxoid liposarcoma). For those ``radiosensitivity`` returns None and
the team must decide; the reason is in ``classify(primary).note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tumorboard.model.case import Primary

Sensitivity = Literal["radiosensitive", "radioresistant"]

AO = "AO Surgery Reference: classification of tumor radiosensitivity"
SC24 = "CCTG SC.24 trial, radioresistant stratum"
CHONDRO = "Conventional chondrosarcoma relatively radioresistant (PMC7409290)"

# primary.site -> (class or None, source or reason it is unclassified)
SITE_TABLE: dict[str, tuple[Sensitivity | None, str]] = {
    "lymphoma": ("radiosensitive", AO),
    "myeloma": ("radiosensitive", AO),
    "kidney": ("radioresistant", AO),
    "melanoma": ("radioresistant", AO),
    "thyroid": ("radioresistant", AO),
    "colon": ("radioresistant", AO),
    "rectum": ("radioresistant", AO),
    "stomach": ("radioresistant", SC24 + " (gastrointestinal)"),
    "esophagus": ("radioresistant", SC24 + " (gastrointestinal)"),
    "pancreas": ("radioresistant", SC24 + " (gastrointestinal)"),
    "soft_tissue": ("radioresistant", SC24 + " (sarcoma)"),
    "osteosarcoma": ("radioresistant", SC24 + " (sarcoma)"),
    "bone_sarcoma_other": ("radioresistant", SC24 + " (sarcoma)"),
    "germ_cell": (None, "seminoma is radiosensitive (AO); other germ-cell tumours unclassified: record the histology"),
    "breast": (None, "moderately radiosensitive in the NOMS texts; not verified here"),
    "prostate": (None, "moderately radiosensitive in the NOMS texts; not verified here"),
    "ovary": (None, "moderately radiosensitive in the NOMS texts; not verified here"),
    "neuroendocrine": (None, "moderately radiosensitive in the NOMS texts; not verified here"),
    "carcinoid": (None, "neuroendocrine; not verified here"),
    "lung": (None, "non-small-cell radioresistant, small-cell sensitive by common teaching; not verified here"),
    "liver": (None, "hepatocellular radioresistant in the NOMS texts; not verified here"),
    "gallbladder": (None, "not classified in the sources seen"),
    "bladder": (None, "not classified in the sources seen"),
    "uterus": (None, "not classified in the sources seen"),
    "cervix": (None, "not classified in the sources seen"),
    "head_neck": (None, "not classified in the sources seen"),
    "unknown_primary": (None, "histology unknown"),
    "other": (None, "not classified in the sources seen"),
}
SARCOMA_SITES = frozenset({"soft_tissue", "osteosarcoma", "bone_sarcoma_other"})
# Sarcoma subtypes -> (class or None, source or reason). Subtypes not listed follow the sarcoma class.
SUBTYPE_TABLE: dict[str, tuple[Sensitivity | None, str]] = {
    "chondrosarcoma": ("radioresistant", CHONDRO),
    "ewing_sarcoma": (None, "Ewing sarcoma responds to radiotherapy unlike the sarcoma class; not classified here"),
    "rhabdomyosarcoma": (None, "rhabdomyosarcoma responds to radiotherapy unlike the sarcoma class; not classified"),
    "desmoplastic_small_round_cell": (None, "small round cell sarcoma; not classified here"),
    "liposarcoma_myxoid": (None, "myxoid liposarcoma is unusually radiosensitive among sarcomas; not classified"),
}


@dataclass(frozen=True)
class Classification:
    sensitivity: Sensitivity | None
    note: str
    field: str


def classify(primary: Primary) -> Classification:
    """The class of the primary's histology with its source (or why it has none)."""
    site = primary.site
    if site is None:
        return Classification(None, "primary site not recorded", "primary.site")
    histology = (primary.histology or "").strip().lower()
    if site in SARCOMA_SITES and histology in SUBTYPE_TABLE:
        cls, note = SUBTYPE_TABLE[histology]
        return Classification(cls, note, "primary.histology")
    if site == "germ_cell" and "seminoma" in histology and "non" not in histology:
        return Classification("radiosensitive", AO + " (seminoma)", "primary.histology")
    cls, note = SITE_TABLE[site]
    return Classification(cls, note, "primary.site")


def radiosensitivity(primary: Primary) -> Sensitivity | None:
    """``radiosensitive`` or ``radioresistant`` to conventional radiotherapy, or None when not classified."""
    return classify(primary).sensitivity
