"""``tumorboard fhir to-case`` and ``tumorboard assess`` on a FHIR bundle, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = "tests/fhir/bundles"
EXE = [sys.executable, "-c", "import tumorboard.cli.fhir; from tumorboard.cli import main; main()"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_to_case_prints_yaml_case() -> None:
    p = run("fhir", "to-case", f"{BUNDLES}/sacrum-sts.json", "--as-of", "2026-11-01")
    assert p.returncode == 0, p.stderr
    case = yaml.safe_load(p.stdout)
    assert case["format"] == "tumorboard.case/v1"
    assert case["primary"] == {"site": "soft_tissue", "histology": "leiomyosarcoma", "months_since_diagnosis": 30.0,
                               "status": "progressive", "biomarkers": {}}
    assert case["lesions"][0]["levels"] == ["S1", "S2", "S3"]
    assert "matches no lesion" in p.stderr


def test_to_case_extraction_has_facts_and_unmapped() -> None:
    p = run("fhir", "to-case", f"{BUNDLES}/humerus-myeloma.json", "--format", "extraction")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["unmapped"][0]["codes"][0]["code"] == "358258"
    assert all(f["resource"] for f in data["facts"])


def test_invalid_bundle_exit_2_names_resource_and_element() -> None:
    data = json.loads((ROOT / BUNDLES / "sacrum-sts.json").read_text())
    del data["entry"][1]["resource"]["subject"]
    p = run("fhir", "to-case", "-", stdin=json.dumps(data))
    assert p.returncode == 2, p.stderr
    assert "Condition/primary (entry[1]), subject" in p.stderr and "Traceback" not in p.stderr


def test_malformed_json_exit_2() -> None:
    p = run("fhir", "to-case", "-", stdin='{"resourceType": "Bundle",')
    assert p.returncode == 2 and "malformed JSON" in p.stderr


def test_assess_detects_a_fhir_bundle() -> None:
    p = run("assess", f"{BUNDLES}/spine-rcc-t9.json", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["format"] == "tumorboard.result/v1" and data["case_id"] == "fhir-p01"
    assert "sins" in data["scores"]


def test_assess_format_fhir_reparses_as_r4() -> None:
    from fhir.resources.R4B.bundle import Bundle

    p = run("assess", f"{BUNDLES}/sacrum-sts.json", "--format", "fhir")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    Bundle.model_validate(out)
    obs = [e["resource"] for e in out["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert obs and all(o["subject"] == {"reference": "Patient/p03"} for o in obs)
    p = run("assess", "examples/spine-rcc-t9.yaml", "--format", "fhir")
    assert p.returncode == 0, p.stderr
    Bundle.model_validate(json.loads(p.stdout))


def test_assess_invalid_bundle_exit_2() -> None:
    data = json.loads((ROOT / BUNDLES / "sacrum-sts.json").read_text())
    data["entry"][0]["resource"]["gender"] = 5
    p = run("assess", "-", stdin=json.dumps(data))
    assert p.returncode == 2 and "Patient/p03 (entry[0]), gender" in p.stderr and "Traceback" not in p.stderr
