"""The command line as a user runs it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXE = [sys.executable, "-c", "from tumorboard.cli import main; main()"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_score_sins_json() -> None:
    p = run("score", "sins", "--input", "examples/spine-rcc-t9.yaml", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    # T9 semirigid 1 + occasional pain 1 + lytic 2 + normal 0 + no collapse >50% involved 1 + unilateral 1 = 6
    assert (data["value"], data["band"], data["lesion"]) == (6, "stable", "T9")


def test_score_text_shows_items_and_band() -> None:
    p = run("score", "sins", "--input", "examples/spine-rcc-t9.yaml")
    assert p.returncode == 0, p.stderr
    assert "posterolateral" in p.stdout and "stable" in p.stdout


def test_assess_json_follows_result_shape() -> None:
    p = run("assess", "examples/sacrum-sts.yaml", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["format"] == "tumorboard.result/v1"
    assert "sins" in data["scores"] and "escc" in data["scores"]
    assert "lesions.sacrum.escc_grade" in data["missing"]


def test_stdin() -> None:
    text = (ROOT / "examples/spine-rcc-t9.yaml").read_text()
    p = run("score", "escc", "--input", "-", "--format", "json", stdin=text)
    assert p.returncode == 0 and json.loads(p.stdout)["band"] == "high_grade"


def test_invalid_case_exit_2_without_traceback() -> None:
    bad = "format: tumorboard.case/v1\nlesions:\n  - id: L1\n    escc_grade: '4'\n"
    p = run("assess", "-", stdin=bad)
    assert p.returncode == 2
    assert "lesions.L1.escc_grade: '4' is not one of 0, 1a, 1b, 1c, 2, 3" in p.stderr
    assert "Traceback" not in p.stderr


def test_malformed_yaml_exit_2() -> None:
    p = run("assess", "-", stdin="format: [oops\n")
    assert p.returncode == 2 and "malformed YAML" in p.stderr and "Traceback" not in p.stderr


def test_missing_file_and_unknown_score() -> None:
    p = run("assess", "nope.yaml")
    assert p.returncode == 2 and "no such file" in p.stderr
    p = run("score", "nosuch", "--input", "examples/spine-rcc-t9.yaml")
    assert p.returncode == 2 and "unknown score" in p.stderr


def test_schema_case() -> None:
    p = run("schema", "case")
    assert p.returncode == 0 and "lesions" in json.loads(p.stdout)["properties"]


def test_scores_lists_references() -> None:
    p = run("scores", "--format", "json")
    rows = json.loads(p.stdout)
    assert {"sins", "escc"} <= {r["key"] for r in rows}
    assert all(r["references"] for r in rows)
