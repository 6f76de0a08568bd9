"""Rades MSCC survival score (2008): NOT IMPLEMENTED and not registered, because its item points are unverified.

Source: Rades D, Dunst J, Schild SE. The first score predicting overall survival in patients with metastatic spinal
cord compression. Cancer 2008;112(1):157-61 (DOI 10.1002/cncr.23150).

What was checked (docs/score-verification.md): the publisher's abstract (Wiley, free access) gives the construction
(1,852 patients irradiated for MSCC; six factors: tumour type, interval from tumour diagnosis to MSCC, other bone
metastases, visceral metastases, ambulatory status and time developing motor deficits before radiotherapy; each
item's points = 6-month survival in % divided by 10; total 20-45 in five groups; 6-month survival 4% for 20-25 and 11%
for 26-30 points). The per-item points (shared/clinical/scores.md, all [M]) were not found in any source reachable
with the search tool: two targeted queries returned only the abstract and a different Rades score (the best-
supportive-care score of 2013, whose reproduction also conflicts with its own abstract on the cut-off).

Without every item's points verified the score cannot be computed honestly, so the brief's rule applies: it is left
out of ``REGISTRY``. ``FACTORS`` records the verified construction so that the table can be added once the paper's
Table is read.
"""

from __future__ import annotations

KEY = "rades"
NAME = "Rades MSCC survival score (not implemented)"
REFERENCES = ("rades-2008-mscc-survival-score",)
IMPLEMENTED = False

FACTORS = (
    "tumour type",
    "interval from tumour diagnosis to MSCC",
    "other bone metastases at the time of radiotherapy",
    "visceral metastases at the time of radiotherapy",
    "ambulatory status before radiotherapy",
    "time developing motor deficits before radiotherapy",
)
TOTAL_RANGE = (20, 45)
REASON = "per-item points not verified against Rades 2008 (only the abstract's construction and range were seen)"
