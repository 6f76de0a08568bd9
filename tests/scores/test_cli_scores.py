"""The new scores from the command line (``tumorboard score`` and ``tumorboard scores``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = [sys.executable, "-c", "from tumorboard.cli import main; main()"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_scores_lists_every_system() -> None:
    p = run("scores", "--format", "json")
    assert p.returncode == 0, p.stderr
    keys = [row["key"] for row in json.loads(p.stdout)]
    assert {"tokuhashi", "tomita", "bauer", "modified_bauer", "katagiri", "nesms", "van_der_linden", "mirels",
            "harrington", "performance", "noms", "fnclcc"} <= set(keys)


def test_score_tokuhashi_json() -> None:
    p = run("score", "tokuhashi", "--input", "examples/spine-rcc-t9.yaml", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert (data["value"], data["band"]) == (12, "over_12_months")


def test_score_mirels_lesion_text() -> None:
    p = run("score", "mirels", "--input", "examples/femur-breast.yaml", "--lesion", "left-femur")
    assert p.returncode == 0, p.stderr
    assert "prophylactic_fixation" in p.stdout and "12" in p.stdout


def test_score_not_applicable_exit_2() -> None:
    p = run("score", "mirels", "--input", "examples/spine-rcc-t9.yaml")
    assert p.returncode == 2 and "Traceback" not in p.stderr
