from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tumorboard.knowledge import KnowledgeBase, load
from tumorboard.model.case import Case

GOOD = Path(__file__).resolve().parents[1] / "knowledge" / "fixtures" / "good"


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    return load(GOOD, use_cache=False)


def make_case(**parts: Any) -> Case:
    return Case.model_validate({"format": "tumorboard.case/v1", **parts})


SPINE_RCC = {
    "id": "rcc",
    "patient": {"age_years": 68, "ecog": 1, "kps": 80, "fit_for_surgery": True, "life_expectancy_months": 24},
    "primary": {"site": "kidney", "histology": "clear cell renal cell carcinoma"},
    "lesions": [{"id": "T9", "region": "thoracic", "levels": ["T9"], "escc_grade": "2",
                 "structures": ["vertebral_body", "epidural_space"], "bone_lesion": "lytic", "alignment": "normal",
                 "collapse": "none", "posterolateral": "none", "pain_character": "occasional_non_mechanical"}],
    "neurology": {"frankel": "E", "myelopathy": False},
}
