"""``tumorboard extract``: the demo question becomes a case with text evidence; bad input gets a message."""

from __future__ import annotations

import json

from tests.cli.test_cli import ROOT, run


def test_extract_demo_question_json() -> None:
    p = run("extract", "examples/sacrum-sts.txt", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert set(data) >= {"case", "facts", "conflicts"}
    lesion = data["case"]["lesions"][0]
    assert lesion["region"] == "sacrum" and lesion["levels"] == ["S1", "S2", "S3"] and lesion["side"] == "right"
    assert {"neuroforamina", "sacral_canal_posterior_wall", "sacroiliac_joint", "ilium"} <= set(lesion["structures"])
    assert data["case"]["primary"]["site"] == "soft_tissue"
    fact = next(f for f in data["facts"] if f["path"] == "primary.status")
    text = (ROOT / "examples/sacrum-sts.txt").read_text()
    assert text[fact["start"]:fact["end"]] == fact["snippet"] == "progressive"
    assert all(f["source"] == "text" for f in data["facts"])


def test_extract_text_output_and_stdin() -> None:
    p = run("extract", "-", stdin="Known RCC. MRI: T9 lesion with ESCC grade 2. No myelopathy.")
    assert p.returncode == 0, p.stderr
    assert "confirm" in p.stdout.lower()


def test_extract_refuses_binary_and_missing_file() -> None:
    p = run("extract", "nope.txt")
    assert p.returncode == 2 and "no such file" in p.stderr and "Traceback" not in p.stderr


def test_assess_from_text_labels_inputs_from_text() -> None:
    p = run("assess", "--text", "examples/sacrum-sts.txt", "--format", "json", "--no-missing")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    paths = {f["path"] for f in data["inputs_from_text"]}
    assert {"lesions.0.levels", "lesions.0.region", "primary.site"} <= paths
    assert data["plan"]["options"], "the extracted demo case gets a plan"
    md = run("assess", "--text", "examples/sacrum-sts.txt", "--format", "markdown", "--no-missing")
    assert "Inputs taken from the text" in md.stdout
