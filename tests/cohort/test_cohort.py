"""Cohorts: table <-> case, batch assessment (local and Ray identical), bad rows, resume, validation statistics."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tumorboard.cohort import columns, runner, synth, validate
from tumorboard.cohort.sources import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_flatten_unflatten_round_trip() -> None:
    import yaml

    data = yaml.safe_load((ROOT / "examples/spine-rcc-t9.yaml").read_text())
    row = columns.flatten(data)
    assert row["lesions.0.levels"] == "T9"
    assert row["lesions.0.structures"] == "vertebral_body;pedicle;costovertebral_joint;epidural_space"
    back = columns.unflatten(row)
    assert back["lesions"][0]["structures"] == data["lesions"][0]["structures"]
    assert back["lesions"][0]["escc_grade"] == "2"


def test_template_has_dotted_columns() -> None:
    cols = columns.template_columns(2)
    assert "lesions.0.escc_grade" in cols and "lesions.1.prior_radiotherapy.dose_gy" in cols
    assert "labs.albumin_g_dl" in cols and "primary.fnclcc.necrosis" in cols


def _write_cases(tmp: Path) -> Path:
    d = tmp / "cases"
    d.mkdir()
    for name in ("spine-rcc-t9.yaml", "femur-breast.yaml", "sacrum-sts.yaml"):
        (d / name).write_text((ROOT / "examples" / name).read_text())
    (d / "bad.yaml").write_text("format: tumorboard.case/v1\nlesions:\n  - id: L1\n    escc_grade: '4'\n")
    (d / "junk.yaml").write_text("format: [unclosed\n")
    with (d / "more.jsonl").open("w") as fh:
        fh.write(json.dumps({"format": "tumorboard.case/v1", "id": "j1", "patient": {"ecog": 9}}) + "\n")
        fh.write("{not json\n")
    return d


def test_bad_records_never_stop_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    summary = runner.run(_write_cases(tmp_path), out, plan=False)
    df = pl.read_parquet(out)
    assert df.height == summary.total == 7
    errors = dict(zip(df["id"].to_list(), df["error"].to_list(), strict=True))
    assert "is not one of 0, 1a, 1b, 1c, 2, 3" in errors["bad"]
    assert errors["junk"] and errors["more:2"].startswith("malformed JSON")
    assert "patient.ecog" in errors["j1"]
    rcc = df.filter(pl.col("id") == "example-rcc-t9")
    assert rcc["sins.value"][0] == "6" and rcc["escc.band"][0] == "high_grade"


def test_resume_skips_finished_records_and_output_is_identical(tmp_path: Path) -> None:
    src = _write_cases(tmp_path)
    full = tmp_path / "full.parquet"
    runner.run(src, full, plan=False, batch_size=2)
    # simulate an interrupted run: keep only the first part file
    part = tmp_path / "resumed.parquet.parts"
    runner.run(src, tmp_path / "resumed.parquet", plan=False, batch_size=2)
    import pyarrow.parquet as pq

    first = pq.read_table(tmp_path / "resumed.parquet").slice(0, 2)
    (tmp_path / "resumed.parquet").unlink()
    part.mkdir()
    pq.write_table(first, part / "part-000000000000.parquet")
    summary = runner.run(src, tmp_path / "resumed.parquet", plan=False, batch_size=2)
    assert summary.skipped == 2 and summary.assessed == 5
    assert pl.read_parquet(tmp_path / "resumed.parquet").equals(pl.read_parquet(full))


def test_empty_and_missing_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    summary = runner.run(empty, tmp_path / "o.parquet", plan=False)
    assert summary.total == 0 and pl.read_parquet(tmp_path / "o.parquet").height == 0
    with pytest.raises(InputError):
        runner.run(tmp_path / "nope", tmp_path / "o2.parquet")


def test_table_input_and_workers_give_identical_output(tmp_path: Path) -> None:
    table = synth.write(60, tmp_path / "s.parquet")
    one = tmp_path / "one.parquet"
    two = tmp_path / "two.parquet"
    runner.run(table, one, plan=False, workers=1, batch_size=25)
    runner.run(table, two, plan=False, workers=2, batch_size=25)
    a, b = pl.read_parquet(one), pl.read_parquet(two)
    assert a.height == 60 and a["error"].null_count() == 60
    assert a.equals(b)


@pytest.mark.slow
def test_ray_engine_matches_local(tmp_path: Path) -> None:
    os.environ.setdefault("RAY_DISABLE_USAGE_STATS", "1")
    table = synth.write(40, tmp_path / "s.parquet")
    local, ray_out = tmp_path / "local.parquet", tmp_path / "ray.parquet"
    runner.run(table, local, plan=False, batch_size=20)
    runner.run(table, ray_out, plan=False, engine="ray", workers=1, batch_size=20)
    assert pl.read_parquet(local).equals(pl.read_parquet(ray_out))


def test_c_index_matches_lifelines_and_direction() -> None:
    from lifelines.utils import concordance_index

    rng = np.random.default_rng(0)
    score = rng.integers(0, 10, 300).astype(float)
    t = rng.exponential(5 + score)  # higher score, longer survival
    e = rng.random(300) < 0.8
    c, (lo, hi) = validate.c_index(t, e, score, +1, bootstrap=50)
    assert c == round(concordance_index(t, score, e), 4)
    assert c > 0.55 and lo <= c <= hi
    c_rev, _ = validate.c_index(t, e, score, -1, bootstrap=0)
    assert c_rev == pytest.approx(1 - c, abs=1e-3)


def test_direction_per_score() -> None:
    # lower Tomita and Katagiri are better; higher Tokuhashi, Bauer, NESMS are better
    assert validate.DIRECTION["tomita"] == -1 and validate.DIRECTION["katagiri"] == -1
    assert validate.DIRECTION["tokuhashi"] == +1 and validate.DIRECTION["nesms"] == +1


def test_validate_synthetic_report_says_synthetic(tmp_path: Path) -> None:
    df = synth.generate(400)
    from tumorboard.cohort.sources import iter_records

    path = synth.write(400, tmp_path / "s.parquet")
    out = tmp_path / "scores.parquet"
    runner.run(path, out, plan=False, batch_size=400)
    scored = pl.read_parquet(out).join(
        df.with_row_index("seq").with_columns(pl.col("seq").cast(pl.Int64))
        .select(["seq", "outcome.survival_months", "outcome.death"]), on="seq")
    results = validate.validate_frame(scored, synthetic=True, bootstrap=20)
    assert {r.key for r in results} >= {"tokuhashi", "tomita"}
    toku = next(r for r in results if r.key == "tokuhashi")
    assert toku.c_index is not None and toku.c_index > 0.5  # the synthetic outcome model rewards better scores
    report = validate.write_report(results, tmp_path / "rep", synthetic=True)
    assert "SYNTHETIC DATA" in (report / "report.html").read_text()
    assert json.loads((report / "summary.json").read_text())["synthetic"] is True
    assert list(iter_records(path, 100))  # streams in batches


def test_fhir_ndjson_bundles_are_assessed(tmp_path: Path) -> None:
    bundles = sorted((ROOT / "tests/fhir/bundles").glob("*.json"))
    src = tmp_path / "bundles.ndjson"
    with src.open("w") as fh:
        for f in bundles:
            fh.write(json.dumps(json.loads(f.read_text())) + "\n")
    runner.run(src, tmp_path / "o.parquet", plan=False)
    df = pl.read_parquet(tmp_path / "o.parquet")
    assert df.height == len(bundles) >= 12
    assert df["error"].null_count() == df.height
    assert df.filter(pl.col("sins.max").is_not_null()).height >= 3  # the spine bundles get a SINS (or its range)
