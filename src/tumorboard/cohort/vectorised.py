"""Scores over columns: every score of ``tumorboard.scores`` for a whole table at once, with polars expressions.

This is a second implementation of the scores, for ``tumorboard cohort assess --scores-only`` on CSV/Parquet tables.
It is kept honest three ways:

- The published tables are imported from the score modules, never retyped: ``Item.points``, ``Band`` ranges, the
  primary-site maps (``tokuhashi.PRIMARY``, ``tomita.GROWTH``, ``bauer.PRIMARY``, ``katagiri.FIXED/UNVERIFIED/DEPENDS``,
  ``van_der_linden.PRIMARY``, ``radiosensitivity.SITE_TABLE``), ``sins.LEVEL_LOCATION``/``REGION_LOCATIONS``,
  ``escc.RANK``/``band_for``, ``harrington.RANK``, ``noms.MECHANICAL``, ``nesms.ALBUMIN_CUT_G_DL``/``CEILING``, the
  count bands of Tokuhashi. Python categorisation functions with a finite domain are tabulated by calling them
  (``tokuhashi.kps_category`` over the valid KPS values, ``fnclcc.mitoses_category`` over 0-500); Katagiri's laboratory
  rules (lambdas) are read by probing each lambda at its own constant (threshold, direction, inclusive or not).
  The remaining inline comparisons of the readings (ECOG >= 3, KPS >= 80 / >= 50 in van der Linden, ...) are
  re-expressed here and guarded by the differential tests (``tests/cohort/test_vectorised.py``).
- Every output column equals ``rows.assess_record(..., plan=False)`` row by row (differential tests on synthetic
  tables with randomly blanked inputs).
- A row is computed here only when its cells are certainly what the case model accepts unchanged (types, allowed
  values, ranges, lesion positions, unique lesion ids, ASCII text where text is stripped or lower-cased). Any other row
  (a bad row, a unit-tagged lab, an ``extra`` column, an unknown column with a value, an integer ESCC grade, ...) is
  assessed by the scalar path, which gives it its exact error or result. So no input is ever scored differently.

Vectorised: all fourteen scores of the registry (SINS, ESCC, Tokuhashi, Tomita, Bauer, modified Bauer, Katagiri,
NESMS, van der Linden, Mirels, Harrington, performance, NOMS, FNCLCC), over any number of ``lesions.<n>.*`` columns
(lesion scores reduced as the scalar ``worst``/rank rules do), and the ``missing`` column. Fallback to the scalar
path: rows as above; and, should a score be added to the registry without a vectorised form here, every row (the
``missing`` column depends on every score), which ``VECTORISED`` makes visible.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import polars as pl
from pydantic import BaseModel

from tumorboard.cohort.columns import LIST_SEPARATOR, META_COLUMNS
from tumorboard.model.case import Case, Lesion
from tumorboard.model.vocabulary import SPINAL_LEVELS
from tumorboard.scores import (
    REGISTRY,
    bauer,
    escc,
    fnclcc,
    harrington,
    katagiri,
    mirels,
    nesms,
    noms,
    radiosensitivity,
    sins,
    tokuhashi,
    tomita,
    van_der_linden,
)
from tumorboard.scores._common import BONE_REGIONS, LONG_BONE_REGIONS, SPINAL_REGIONS
from tumorboard.scores.table import Band, Item

VECTORISED = ("sins", "escc", "tokuhashi", "tomita", "bauer", "modified_bauer", "katagiri", "nesms",
              "van_der_linden", "mirels", "harrington", "performance", "noms", "fnclcc")
COMPLETE = set(REGISTRY) <= set(VECTORISED)  # False: every row goes through the scalar path

STR = pl.String
ASCII_TEXT = r"^[\t\n\r\x20-\x7E]*$"  # text that Python's and polars' strip/lower treat identically

# ---------------------------------------------------------------------------------------------------------------
# Which cells the case model accepts unchanged


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # int | float | bool | str | enum | list | dict
    allowed: tuple[str, ...] | None = None
    bounds: Mapping[str, float] = field(default_factory=dict)
    max_length: int | None = None
    pattern: str | None = None


def _inner(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        return next(a for a in get_args(annotation) if a is not type(None))
    return annotation


def _leaf_spec(model: type[BaseModel], name: str) -> FieldSpec | None:
    info = model.model_fields[name]
    ann = _inner(info.annotation)
    bounds: dict[str, float] = {}
    max_length = pattern = None
    for meta in info.metadata:
        for attr in ("ge", "gt", "le", "lt", "multiple_of"):
            if getattr(meta, attr, None) is not None:
                bounds[attr] = getattr(meta, attr)
        max_length = getattr(meta, "max_length", None) or max_length
        pattern = getattr(meta, "pattern", None) or pattern
    if get_origin(ann) is Literal:
        return FieldSpec("enum", tuple(str(a) for a in get_args(ann)))
    if get_origin(ann) is list:
        item = get_args(ann)[0]
        if model is Lesion and name == "levels":
            return FieldSpec("list", SPINAL_LEVELS)
        if get_origin(item) is Literal:
            return FieldSpec("list", tuple(str(a) for a in get_args(item)))
        return FieldSpec("list") if item is str else None
    if get_origin(ann) is dict:
        return FieldSpec("dict")
    kinds = {bool: "bool", int: "int", float: "float", str: "str"}
    if ann in kinds:
        return FieldSpec(kinds[ann], None, bounds, max_length, pattern)
    return None


def column_spec(column: str) -> FieldSpec | None:
    """The field a table column fills, or None when the scalar path must read it (unknown, ``extra``, unit-tagged)."""
    parts = column.split(".")
    model: type[BaseModel] = Case
    if parts[0] == "lesions":
        if len(parts) < 3 or not parts[1].isdigit() or parts[1] != str(int(parts[1])):
            return None
        model, parts = Lesion, parts[2:]
    elif parts[0] == "format":
        return None
    for i, name in enumerate(parts):
        if name == "extra" or name not in model.model_fields:
            return None
        ann = _inner(model.model_fields[name].annotation)
        last = i == len(parts) - 1
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if last:
                return None
            model = ann
            continue
        if get_origin(ann) is dict:
            return FieldSpec("dict") if i == len(parts) - 2 else None
        return _leaf_spec(model, name) if last else None
    return None


def _normalise(name: str, dtype: pl.DataType) -> pl.Expr:
    """Empty means unknown (``columns.unflatten``): '' and NaN become null."""
    c = pl.col(name)
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return pl.when(c.cast(STR) == "").then(None).otherwise(c.cast(STR)).alias(name)
    if dtype == STR:
        return pl.when(c == "").then(None).otherwise(c).alias(name)
    if dtype.is_float():
        return c.fill_nan(None).alias(name)
    return c


def _typed(name: str, dtype: pl.DataType, spec: FieldSpec | None) -> tuple[pl.Expr, pl.Expr]:
    """(the column in its canonical dtype, null where unusable; whether each cell is accepted unchanged)."""
    c = pl.col(name)
    absent = c.is_null()
    if spec is None:
        return pl.lit(None), absent
    if spec.kind == "dict":
        return pl.lit(None), pl.lit(True)
    if spec.kind in ("int", "float"):
        if dtype.is_integer():
            v = c.cast(pl.Int64) if spec.kind == "int" else c.cast(pl.Float64)
            ok = pl.lit(True)
        elif dtype.is_float():
            ok = c.is_finite()
            if spec.kind == "int":
                ok = ok & (c == c.floor()) & (c.abs() < 2**53)
                v = pl.when(ok).then(c).cast(pl.Int64, strict=False)
            else:
                v = pl.when(ok).then(c).cast(pl.Float64)
        else:
            return pl.lit(None), absent
        b = spec.bounds
        for attr, test in (("ge", v.__ge__), ("gt", v.__gt__), ("le", v.__le__), ("lt", v.__lt__)):
            if attr in b:
                ok = ok & test(b[attr])
        if "multiple_of" in b:
            ok = ok & ((v % int(b["multiple_of"])) == 0)
        return pl.when(ok).then(v), absent | ok.fill_null(False)
    if spec.kind == "bool":
        return (c, pl.lit(True)) if dtype == pl.Boolean else (pl.lit(None), absent)
    if dtype != STR:
        return pl.lit(None), absent
    if spec.kind == "enum":
        ok = c.is_in(list(spec.allowed or ()))
    elif spec.kind == "str":
        ok = pl.lit(True)
        if spec.max_length is not None:
            ok = ok & (c.str.len_chars() <= spec.max_length)
        if spec.pattern is not None:
            ok = ok & c.str.contains(spec.pattern)
    else:  # list: ';'-separated, stripped, empty items dropped
        items = _split(c)
        ok = c.str.contains(ASCII_TEXT)
        if spec.allowed is not None:
            ok = ok & items.list.eval(pl.element().is_in(list(spec.allowed))).list.all()
        return pl.when(ok).then(items), absent | ok.fill_null(False)
    return pl.when(ok).then(c), absent | ok.fill_null(False)


def _split(c: pl.Expr) -> pl.Expr:
    return (c.str.split(LIST_SEPARATOR).list.eval(pl.element().str.strip_chars())
            .list.eval(pl.element().filter(pl.element().str.len_chars() > 0)))


# ---------------------------------------------------------------------------------------------------------------
# Score arithmetic over columns (tumorboard.scores.table.additive)
#
# Expressions are materialised in stages (``_mat``): an expression that reused its inputs by value would grow
# exponentially with the nesting of readings, sums, bands and lesion reductions. A column materialised at stage s
# may read the prepared inputs (stage 0) and columns of earlier stages.

_BUILD: list[dict[str, pl.Expr]] = []


def _mat(expr: pl.Expr, stage: int) -> pl.Expr:
    while len(_BUILD) <= stage:
        _BUILD.append({})
    name = f"_c{sum(len(s) for s in _BUILD)}"
    _BUILD[stage][name] = expr.alias(name)
    return pl.col(name)


@dataclass(frozen=True)
class M:
    """A missing field: the path (static, or (lesion position, field) for ``lesions.<key>.<field>``) and when."""

    cond: pl.Expr
    path: str | tuple[int, str]


def _only(cond: pl.Expr, ms: Iterable[M]) -> list[M]:
    return [M(cond & m.cond, m.path) for m in ms]


@dataclass
class Reading:
    lo: pl.Expr
    hi: pl.Expr
    known: pl.Expr
    missing: list[M]
    stage: int = 1  # materialised at this stage


@dataclass
class Scored:
    applies: pl.Expr
    value: pl.Expr  # string
    lo: pl.Expr | None
    hi: pl.Expr | None
    band: pl.Expr
    determinate: pl.Expr
    missing: list[M]
    ready: int = 1  # its expressions may be read from this stage on
    raw_lo: pl.Expr | None = None  # before a ceiling
    raw_hi: pl.Expr | None = None
    complete: pl.Expr | None = None


def _points(item: Item) -> dict[str, int]:
    out = {}
    for cat, pts in item.points.items():
        if not float(pts).is_integer():
            raise ValueError(f"{item.key}: non-integer points are not vectorised")
        out[cat] = int(pts)
    return out


def reading(item: Item, category: pl.Expr, missing: Sequence[str | tuple[int, str] | M] = (),
            possible: Iterable[str] | tuple[pl.Expr, pl.Expr] | None = None, stage: int = 1) -> Reading:
    """An item read from a category expression (null: unknown); ``possible`` limits the unknown categories."""
    pts = _points(item)
    known = _mat(category.is_not_null(), stage)
    value = category.replace_strict(pts, default=None, return_dtype=pl.Int64)
    if isinstance(possible, tuple) and possible and isinstance(possible[0], pl.Expr):
        lo_u, hi_u = possible[0], possible[1]
    else:
        allowed = [str(c) for c in possible] if possible is not None else list(pts)
        lo_u, hi_u = pl.lit(min(pts[c] for c in allowed)), pl.lit(max(pts[c] for c in allowed))
    lo = _mat(pl.when(category.is_not_null()).then(value).otherwise(lo_u), stage)
    hi = _mat(pl.when(category.is_not_null()).then(value).otherwise(hi_u), stage)
    ms = [m if isinstance(m, M) else M(pl.lit(True), m) for m in missing]
    return Reading(lo, hi, known, _only(~known, ms), stage)


def _range(item: Item, cats: Iterable[str]) -> tuple[int, int]:
    pts = _points(item)
    vals = [pts[c] for c in cats]
    return min(vals), max(vals)


def band_of(x: pl.Expr, bands: Sequence[Band]) -> pl.Expr:
    expr: Any = pl
    for b in bands:
        expr = expr.when(x.is_between(b.low, b.high)).then(pl.lit(b.id, dtype=STR))
    out: pl.Expr = expr.otherwise(pl.lit(None, dtype=STR))
    return out


def additive(applies: pl.Expr, readings: Sequence[Reading], bands: Sequence[Band],
             cap: int | None = None) -> Scored:
    s = max(r.stage for r in readings) + 1
    lo = _mat(pl.sum_horizontal([r.lo for r in readings]), s)
    hi = _mat(pl.sum_horizontal([r.hi for r in readings]), s)
    complete = _mat(pl.all_horizontal([r.known for r in readings]), s)
    band_lo, band_hi = _mat(band_of(lo, bands), s + 1), _mat(band_of(hi, bands), s + 1)
    determinate = band_lo.eq_missing(band_hi)
    shown_lo, shown_hi = (lo, hi) if cap is None else (pl.min_horizontal(lo, cap), pl.min_horizontal(hi, cap))
    return Scored(
        applies=applies,
        value=pl.when(complete).then(shown_lo.cast(STR)),
        lo=shown_lo.cast(pl.Float64), hi=shown_hi.cast(pl.Float64),
        band=pl.when(determinate).then(band_lo),
        determinate=determinate,
        missing=[m for r in readings for m in r.missing],
        ready=s + 2, raw_lo=lo, raw_hi=hi, complete=complete,
    )


# ---------------------------------------------------------------------------------------------------------------
# Python rules read from the score modules


def _probe(rule: Callable[[float], bool]) -> Callable[[pl.Expr], pl.Expr]:
    """A one-threshold lambda (``lambda v: v >= 0.4``) as an expression, read by probing it at its constant."""
    consts = [c for c in getattr(rule, "__code__").co_consts  # noqa: B009
              if isinstance(c, (int, float)) and not isinstance(c, bool)]
    if len(consts) != 1:
        raise ValueError("not a one-threshold rule")
    t = float(consts[0])
    below, at, above = rule(math.nextafter(t, -math.inf)), rule(t), rule(math.nextafter(t, math.inf))
    table: dict[tuple[bool, bool, bool], Callable[[pl.Expr], pl.Expr]] = {
        (False, True, True): lambda x: x >= t, (False, False, True): lambda x: x > t,
        (True, True, False): lambda x: x <= t, (True, False, False): lambda x: x < t,
    }
    if (below, at, above) not in table:
        raise ValueError("rule is not a threshold")
    for v in (t - 1e6, t - 1, t + 1, t + 1e6):  # the reading agrees away from the threshold too
        if rule(v) != {(False, True, True): v >= t, (False, False, True): v > t, (True, True, False): v <= t,
                       (True, False, False): v < t}[(below, at, above)]:
            raise ValueError("rule is not a threshold")
    return table[(below, at, above)]


KATAGIRI_CRITICAL = tuple((name, _probe(rule)) for name, rule in katagiri.CRITICAL_LABS)
KATAGIRI_ABNORMAL = tuple((name, _probe(rule)) for name, rule in katagiri.ABNORMAL_LABS)
TOKUHASHI_KPS = {k: tokuhashi.kps_category(k) for k in range(0, 101, 10)}
FNCLCC_MITOSES = {m: fnclcc.mitoses_category(m) for m in range(0, 501)}
SINS_LEVEL_POINTS = {lv: sins.LOCATION.points[loc] for lv, loc in sins.LEVEL_LOCATION.items()}
ESCC_BAND = {g: escc.band_for(g) for g in escc.GRADES}
# Primary sites every site map covers (a site outside one of them is an error in the scalar path: scalar fallback).
SITES = (set(tokuhashi.PRIMARY) & set(tomita.GROWTH) & set(bauer.PRIMARY) & set(van_der_linden.PRIMARY)
         & (set(katagiri.FIXED) | set(katagiri.UNVERIFIED) | set(katagiri.DEPENDS))
         & set(radiosensitivity.SITE_TABLE))


def _count_band(x: pl.Expr, rows: tuple[tuple[int, int | None, str], ...]) -> pl.Expr:
    expr: Any = pl
    for low, high, cat in rows:
        cond = x >= low if high is None else x.is_between(low, high)
        expr = expr.when(cond).then(pl.lit(cat))
    out: pl.Expr = expr.otherwise(pl.lit(None, dtype=STR))
    return out


def _map(x: pl.Expr, mapping: Mapping[Any, Any], dtype: Any = STR) -> pl.Expr:
    return x.replace_strict(dict(mapping), default=None, return_dtype=dtype)


def _repr(x: pl.Expr, kind: str) -> pl.Expr:
    """Python ``repr`` of an optional int, str or bool value (for the dict-valued scores)."""
    if kind == "str":
        shown = pl.format("'{}'", x)
    elif kind == "bool":
        shown = pl.when(x).then(pl.lit("True")).otherwise(pl.lit("False"))
    else:
        shown = x.cast(STR)
    return pl.when(x.is_not_null()).then(shown).otherwise(pl.lit("None"))


# ---------------------------------------------------------------------------------------------------------------
# The table


CASE_INPUTS = {
    "patient.age_years", "patient.ecog", "patient.kps", "patient.lansky", "patient.ambulatory",
    "patient.fit_for_surgery", "primary.site", "primary.histology", "primary.hormone_dependent",
    "primary.targeted_therapy_available", "primary.grade", "primary.fnclcc.differentiation",
    "primary.fnclcc.mitoses_per_10hpf", "primary.fnclcc.necrosis", "disease.visceral_metastases",
    "disease.visceral_treatable", "disease.visceral_pattern", "disease.brain_metastases",
    "disease.extraspinal_bone_metastases", "disease.vertebral_body_metastases", "disease.skeletal_metastases",
    "disease.pathological_fracture", "neurology.frankel", "neurology.asia", "neurology.myelopathy", "pain.character",
    "pain.limb_pain", "history.prior_chemotherapy",
    *(f"labs.{name}" for name, _ in (*katagiri.CRITICAL_LABS, *katagiri.ABNORMAL_LABS)),
}
LESION_INPUTS = ("id", "region", "levels", "structures", "bone_lesion", "alignment", "collapse", "posterolateral",
                 "escc_grade", "pain_character", "limb_pain", "cortical_fraction", "harrington_class")
POLARS_TYPE: dict[str, Any] = {"int": pl.Int64, "float": pl.Float64, "bool": pl.Boolean, "str": STR, "enum": STR,
               "list": pl.List(STR)}


def _skipped(column: str) -> bool:
    return column in META_COLUMNS or column.startswith(("outcome.", "treatment."))


def prepare(df: pl.DataFrame) -> tuple[pl.DataFrame, list[int]]:
    """The inputs the scores read, in canonical dtypes, plus ``_ok`` (the row can be vectorised) and ``_id``.

    Returns the frame and the number of lesion positions."""
    df = df.with_columns([_normalise(n, d) for n, d in df.schema.items()])
    typed: dict[str, pl.Expr] = {}
    oks: list[pl.Expr] = []
    lesion_cols: dict[int, list[str]] = {}
    for name, dtype in df.schema.items():
        if _skipped(name):
            continue
        spec = column_spec(name)
        value, ok = _typed(name, dtype, spec)
        oks.append(ok)
        parts = name.split(".")
        if parts[0] == "lesions" and len(parts) > 2 and parts[1].isdigit():
            lesion_cols.setdefault(int(parts[1]), []).append(name)
        if spec is not None and spec.kind != "dict":
            typed[name] = value.cast(POLARS_TYPE[spec.kind]).alias(name)
    positions = sorted(lesion_cols)
    exprs: list[pl.Expr] = []
    for name in CASE_INPUTS:
        spec = column_spec(name)
        assert spec is not None
        exprs.append(typed.get(name, pl.lit(None, dtype=POLARS_TYPE[spec.kind])).alias(name))
    fnclcc_cols = [n for n in df.columns if n.startswith("primary.fnclcc.")]
    exprs.append(pl.any_horizontal([pl.col(n).is_not_null() for n in fnclcc_cols] or [pl.lit(False)])
                 .alias("_fnclcc"))
    for p, idx in enumerate(positions):
        for f in LESION_INPUTS:
            name = f"lesions.{idx}.{f}"
            spec = column_spec(name)
            assert spec is not None
            exprs.append(typed.get(name, pl.lit(None, dtype=POLARS_TYPE[spec.kind])).alias(f"L{p}.{f}"))
        exprs.append(pl.any_horizontal([pl.col(n).is_not_null() for n in lesion_cols[idx]]).alias(f"L{p}.exists"))
    cells_ok = pl.all_horizontal(oks).fill_null(False) if oks else pl.lit(True)
    rid = pl.col("id") if "id" in df.columns and df.schema["id"] == STR else pl.lit(None, dtype=STR)
    frame = df.lazy().select([*exprs, rid.alias("_id"), cells_ok.alias("_ok")])
    ok = pl.col("_ok")
    # lesions are positions in the case only when present ones form a prefix (unflatten drops empty lesions)
    for p in range(1, len(positions)):
        ok = ok & (~pl.col(f"L{p}.exists") | pl.col(f"L{p - 1}.exists"))
    ok = ok & (pl.col("primary.site").is_null() | pl.col("primary.site").is_in(sorted(SITES)))
    ok = ok & (pl.col("primary.histology").is_null() | pl.col("primary.histology").str.contains(ASCII_TEXT))
    frame = frame.with_columns(_ok=ok.fill_null(False))
    clash: list[pl.Expr] = []  # two lesions with the same key (an id used twice, or an id that is another's position)
    for p in range(len(positions)):
        for q in range(len(positions)):
            a, b = pl.col(f"L{p}.id"), pl.col(f"L{q}.id")
            if q < p:
                clash.append(a.is_not_null() & (a == b))
            if q != p:
                clash.append((a == str(q)) & b.is_null() & pl.col(f"L{q}.exists"))
    if clash:
        frame = frame.with_columns(_ok=pl.col("_ok") & ~pl.any_horizontal(clash).fill_null(False))
    return frame.collect(), list(range(len(positions)))


def _lesion_scores(p: int) -> dict[str, Any]:
    def col(f: str) -> pl.Expr:
        return pl.col(f"L{p}.{f}")

    def path(f: str) -> tuple[int, str]:
        return (p, f)

    region, levels, structures = col("region"), col("levels"), col("structures")
    has_levels = _mat(levels.list.len().fill_null(0) > 0, 1)
    spinal = _mat(region.is_in(list(SPINAL_REGIONS)).fill_null(False) | has_levels, 2)
    bone = _mat(region.is_in(list(BONE_REGIONS)).fill_null(False) | has_levels, 2)
    out: dict[str, Any] = {"spinal": spinal, "bone": bone}

    # SINS (worst level = highest location points; the other items are the lesion's)
    level_pts = levels.list.eval(pl.element().replace_strict(SINS_LEVEL_POINTS, default=None,
                                                             return_dtype=pl.Int64)).list.max()
    region_lo: Any = pl
    region_hi: Any = pl
    for reg, locs in sins.REGION_LOCATIONS.items():
        lo, hi = _range(sins.LOCATION, locs)
        region_lo = region_lo.when(region == reg).then(lo)
        region_hi = region_hi.when(region == reg).then(hi)
    all_lo, all_hi = _range(sins.LOCATION, sins.LOCATION.points)
    known_levels = levels.list.len().fill_null(0) > 0
    location = Reading(
        lo=_mat(pl.when(known_levels).then(level_pts).otherwise(region_lo.otherwise(all_lo)), 1),
        hi=_mat(pl.when(known_levels).then(level_pts).otherwise(region_hi.otherwise(all_hi)), 1),
        known=has_levels, missing=[M(~has_levels, path("levels"))])
    pain = pl.coalesce(col("pain_character"), pl.col("pain.character"))
    out["sins"] = additive(spinal, [
        location,
        reading(sins.PAIN, pain, ["pain.character"]),
        reading(sins.BONE_LESION, col("bone_lesion"), [path("bone_lesion")]),
        reading(sins.ALIGNMENT, col("alignment"), [path("alignment")]),
        reading(sins.COLLAPSE, col("collapse"), [path("collapse")]),
        reading(sins.POSTEROLATERAL, col("posterolateral"), [path("posterolateral")]),
    ], sins.BANDS)

    # ESCC
    grade = col("escc_grade")
    out["escc"] = {"rank": _map(grade, escc.RANK, pl.Int64).fill_null(-1), "value": grade,
                   "band": _map(grade, ESCC_BAND), "missing": M(grade.is_null(), path("escc_grade"))}

    # Mirels
    femur = region == "femur"
    peri = structures.list.contains("peritrochanteric").fill_null(False)
    site_cat = (pl.when(femur & structures.is_null()).then(pl.lit(None, dtype=STR))
                .when(femur & peri).then(pl.lit("peritrochanteric"))
                .otherwise(_map(region, mirels.REGION_SITE)))
    site = reading(mirels.SITE, site_cat, [path("structures")], possible={"lower_limb", "peritrochanteric"})
    out["mirels"] = additive(_mat(region.is_in(list(LONG_BONE_REGIONS)).fill_null(False), 1), [
        site,
        reading(mirels.PAIN, pl.coalesce(col("limb_pain"), pl.col("pain.limb_pain")), ["pain.limb_pain"]),
        reading(mirels.LESION, col("bone_lesion"), [path("bone_lesion")]),
        reading(mirels.SIZE, col("cortical_fraction"), [path("cortical_fraction")]),
    ], mirels.BANDS)

    # Harrington
    cls = col("harrington_class")
    acetabular = ((region == "acetabulum") | ((region == "pelvis")
                                              & structures.list.contains("acetabulum").fill_null(False)))
    out["harrington"] = {"applies": _mat(acetabular.fill_null(False), 1),
                         "rank": _map(cls, harrington.RANK, pl.Int64).fill_null(0), "value": cls,
                         "missing": M(cls.is_null(), path("harrington_class"))}
    return out


_OFFSET = 1 << 12


def _first_of_max(applies: Sequence[pl.Expr], keys: Sequence[pl.Expr]) -> pl.Expr:
    """The first position with the largest key among those that apply (Python's ``max`` keeps the first)."""
    sev = [pl.when(a).then(k) for a, k in zip(applies, keys, strict=True)]
    if not sev:
        return pl.lit(None, dtype=pl.Int64)
    top = pl.max_horizontal(sev)
    expr: Any = pl
    for p, s in enumerate(sev):
        expr = expr.when(s == top).then(pl.lit(p, dtype=pl.Int64))
    out: pl.Expr = expr.otherwise(pl.lit(None, dtype=pl.Int64))
    return out


def _worst(results: list[Scored]) -> tuple[pl.Expr, int]:
    """The lesion ``scores.table.worst`` picks (value or worst possible value, then minimum), and its stage."""
    stage = max((r.ready for r in results), default=1)
    keys = []
    for r in results:
        assert r.raw_lo is not None and r.raw_hi is not None
        keys.append((r.raw_hi + _OFFSET) * (2 * _OFFSET) + (r.raw_lo + _OFFSET))
    return _mat(_first_of_max([r.applies for r in results], keys), stage), stage + 1


def _pick(chosen: pl.Expr, values: Sequence[pl.Expr | None]) -> pl.Expr:
    expr: Any = pl
    for p, v in enumerate(values):
        if v is not None:
            expr = expr.when(chosen == p).then(v)
    out: pl.Expr = expr.otherwise(None) if any(v is not None for v in values) else pl.lit(None)
    return out


def _top(results: list[Scored]) -> Scored:
    """The case-level result of a lesion score: the chosen lesion's."""
    chosen, stage = _worst(results)
    missing = [m for p, r in enumerate(results) for m in _only(chosen == p, r.missing)]
    def m(vs: Sequence[pl.Expr | None]) -> pl.Expr:
        return _mat(_pick(chosen, vs), stage)

    return Scored(_mat(chosen.is_not_null(), stage), m([r.value for r in results]), m([r.lo for r in results]),
                  m([r.hi for r in results]), m([r.band for r in results]), m([r.determinate for r in results]),
                  missing, ready=stage + 1)


def _case_scores(n: int) -> dict[str, Scored]:
    c = pl.col
    les = [_lesion_scores(p) for p in range(n)]
    has_spinal = _mat(pl.any_horizontal([x["spinal"] for x in les] or [pl.lit(False)]), 3)
    has_bone = _mat(pl.any_horizontal([x["bone"] for x in les] or [pl.lit(False)]), 3)
    site = c("primary.site")
    out: dict[str, Scored] = {}

    out["sins"] = _top([x["sins"] for x in les])
    out["mirels"] = _top([x["mirels"] for x in les])
    escc_top = _mat(_first_of_max([x["spinal"] for x in les], [x["escc"]["rank"] for x in les]), 3)
    grade = _mat(_pick(escc_top, [x["escc"]["value"] for x in les]), 4)
    top_unknown = escc_top.is_not_null() & grade.is_null()
    out["escc"] = Scored(escc_top.is_not_null(), grade, None, None,
                         _mat(_pick(escc_top, [x["escc"]["band"] for x in les]), 4), grade.is_not_null(),
                         [M(top_unknown & x["spinal"] & x["escc"]["missing"].cond, x["escc"]["missing"].path)
                          for x in les], ready=5)
    h_top = _mat(_first_of_max([x["harrington"]["applies"] for x in les],
                               [x["harrington"]["rank"] for x in les]), 2)
    h_cls = _mat(_pick(h_top, [x["harrington"]["value"] for x in les]), 3)
    out["harrington"] = Scored(h_top.is_not_null(), h_cls, None, None, h_cls, h_cls.is_not_null(),
                               [M(h_top.is_not_null() & h_cls.is_null() & x["harrington"]["applies"]
                                  & x["harrington"]["missing"].cond, x["harrington"]["missing"].path)
                                for x in les], ready=4)

    # Tokuhashi
    kps, ecog = c("patient.kps"), c("patient.ecog")
    vm, vert = c("disease.visceral_metastases"), c("disease.vertebral_body_metastases")
    out["tokuhashi"] = additive(has_spinal, [
        reading(tokuhashi.GENERAL_CONDITION, _map(kps, TOKUHASHI_KPS), ["patient.kps"]),
        reading(tokuhashi.EXTRASPINAL, _count_band(c("disease.extraspinal_bone_metastases"),
                                                   tokuhashi.COUNT_BANDS_EXTRASPINAL),
                ["disease.extraspinal_bone_metastases"]),
        reading(tokuhashi.VERTEBRAL, pl.when(vert != 0).then(_count_band(vert, tokuhashi.COUNT_BANDS_VERTEBRAL)),
                ["disease.vertebral_body_metastases"]),
        reading(tokuhashi.VISCERAL, vm, ["disease.visceral_metastases"]),
        reading(tokuhashi.PRIMARY_SITE, _map(site, {s: v[0] for s, v in tokuhashi.PRIMARY.items()}),
                ["primary.site"]),
        reading(tokuhashi.PALSY, _map(c("neurology.frankel"), tokuhashi.FRANKEL), ["neurology.frankel"]),
    ], tokuhashi.BANDS)

    # Tomita
    treatable = c("disease.visceral_treatable")
    t_cat = (pl.when(vm == "none").then(pl.lit("none"))
             .when(treatable.is_not_null()).then(pl.when(treatable).then(pl.lit("treatable"))
                                                 .otherwise(pl.lit("untreatable"))))
    t_vis = reading(tomita.VISCERAL, t_cat, possible=(
        pl.when(vm.is_not_null()).then(_range(tomita.VISCERAL, ("treatable", "untreatable"))[0])
        .otherwise(_range(tomita.VISCERAL, tomita.VISCERAL.points)[0]),
        pl.when(vm.is_not_null()).then(_range(tomita.VISCERAL, ("treatable", "untreatable"))[1])
        .otherwise(_range(tomita.VISCERAL, tomita.VISCERAL.points)[1])))
    t_vis.missing = [M(~t_vis.known & vm.is_null(), "disease.visceral_metastases"),
                     M(~t_vis.known, "disease.visceral_treatable")]
    out["tomita"] = additive(has_spinal, [
        reading(tomita.GROWTH_ITEM, _map(site, {s: v[0] for s, v in tomita.GROWTH.items()}), ["primary.site"]),
        t_vis,
        reading(tomita.BONE, c("disease.skeletal_metastases"), ["disease.skeletal_metastases"]),
    ], tomita.BANDS)

    # Bauer and modified Bauer
    brain = c("disease.brain_metastases")
    b_cat = (pl.when(vm.is_in(["removable", "unremovable"])).then(pl.lit("no"))
             .when(brain.fill_null(False)).then(pl.lit("no"))
             .when((vm == "none") & (brain == False)).then(pl.lit("yes")))  # noqa: E712
    b_vis = reading(bauer.NO_VISCERAL, b_cat, [
        M(vm.is_null(), "disease.visceral_metastases"), M(brain.is_null(), "disease.brain_metastases")])
    sk = c("disease.skeletal_metastases")

    def yes_no(x: pl.Expr) -> pl.Expr:
        return pl.when(x).then(pl.lit("yes")).otherwise(pl.lit("no"))

    b_items = [
        b_vis,
        reading(bauer.SOLITARY, pl.when(sk.is_not_null()).then(yes_no(sk == "solitary")),
                ["disease.skeletal_metastases"]),
        reading(bauer.NOT_LUNG, _map(site, {s: "yes" if v[0] else "no" for s, v in bauer.PRIMARY.items()}),
                ["primary.site"]),
        reading(bauer.FAVOURABLE, _map(site, {s: "yes" if v[1] else "no" for s, v in bauer.PRIMARY.items()}),
                ["primary.site"]),
    ]
    fracture = c("disease.pathological_fracture")
    b_fracture = reading(bauer.NO_FRACTURE, pl.when(fracture.is_not_null()).then(yes_no(~fracture)),
                         ["disease.pathological_fracture"])
    out["bauer"] = additive(has_bone, [*b_items, b_fracture], bauer.BANDS)
    mb = out["modified_bauer"] = additive(has_bone, b_items, bauer.BANDS_MODIFIED)

    # Katagiri
    hd, tt = c("primary.hormone_dependent"), c("primary.targeted_therapy_available")
    k_dep = _map(site, katagiri.DEPENDS)
    k_cat = (pl.when(site.is_in(list(katagiri.FIXED))).then(_map(site, katagiri.FIXED))
             .when(k_dep == "hormone")
             .then(pl.when(hd.is_not_null()).then(pl.when(hd).then(pl.lit("slow")).otherwise(pl.lit("moderate"))))
             .when(k_dep == "targeted")
             .then(pl.when(tt.is_not_null()).then(pl.when(tt).then(pl.lit("moderate")).otherwise(pl.lit("rapid"))))
             .otherwise(pl.lit(None, dtype=STR)))
    two = _range(katagiri.PRIMARY_ITEM, ("moderate", "rapid"))
    hormone = _range(katagiri.PRIMARY_ITEM, ("slow", "moderate"))
    every = _range(katagiri.PRIMARY_ITEM, katagiri.PRIMARY_ITEM.points)
    unknown_lo = pl.when(site.is_null()).then(every[0]).when(k_dep == "hormone").then(hormone[0]).otherwise(two[0])
    unknown_hi = pl.when(site.is_null()).then(every[1]).when(k_dep == "hormone").then(hormone[1]).otherwise(two[1])
    k_primary = reading(katagiri.PRIMARY_ITEM, k_cat, [
        M(site.is_null(), "primary.site"), M(k_dep == "hormone", "primary.hormone_dependent"),
        M(k_dep == "targeted", "primary.targeted_therapy_available")],
        possible=(unknown_lo, unknown_hi))
    chemo = c("history.prior_chemotherapy")
    out["katagiri"] = additive(has_bone, [
        k_primary,
        reading(katagiri.VISCERAL, c("disease.visceral_pattern"), ["disease.visceral_pattern"]),
        _katagiri_labs(),
        reading(katagiri.ECOG, pl.when(ecog.is_not_null()).then(yes_no(ecog >= 3)), ["patient.ecog"]),
        reading(katagiri.CHEMO, pl.when(chemo.is_not_null()).then(yes_no(chemo)), ["history.prior_chemotherapy"]),
        reading(katagiri.MULTIPLE, pl.when(sk.is_not_null()).then(yes_no(sk == "multiple")),
                ["disease.skeletal_metastases"]),
    ], katagiri.BANDS)

    # NESMS (modified Bauer item from the modified Bauer range; ceiling of three)
    assert mb.raw_lo is not None and mb.raw_hi is not None
    ge3, le2 = mb.raw_lo >= 3, mb.raw_hi <= 2
    mb_reading = reading(nesms.MBAUER, pl.when(ge3).then(pl.lit("ge3")).when(le2).then(pl.lit("le2")),
                         stage=mb.ready)
    mb_reading.missing = [m for r in b_items for m in _only(~mb_reading.known, r.missing)]
    amb, alb = c("patient.ambulatory"), c("labs.albumin_g_dl")
    out["nesms"] = additive(has_spinal, [
        mb_reading,
        reading(nesms.AMBULATORY, pl.when(amb.is_not_null()).then(yes_no(amb == "independent")),
                ["patient.ambulatory"]),
        reading(nesms.ALBUMIN, pl.when(alb.is_not_null()).then(yes_no(alb >= nesms.ALBUMIN_CUT_G_DL)),
                ["labs.albumin_g_dl"]),
    ], nesms.BANDS, cap=nesms.CEILING)

    # van der Linden
    vdl_kps = (pl.when(kps >= 80).then(pl.lit("good")).when(kps >= 50).then(pl.lit("fair"))
               .when(kps.is_not_null()).then(pl.lit("poor")))
    out["van_der_linden"] = additive(has_spinal, [
        reading(van_der_linden.KPS, vdl_kps, ["patient.kps"]),
        reading(van_der_linden.PRIMARY_ITEM, _map(site, van_der_linden.PRIMARY), ["primary.site"]),
        reading(van_der_linden.VISCERAL, pl.when(vm.is_not_null()).then(
            pl.when(vm == "none").then(pl.lit("absent")).otherwise(pl.lit("present"))),
            ["disease.visceral_metastases"]),
    ], van_der_linden.BANDS)

    out["performance"] = _performance()
    out["noms"] = _noms(has_spinal, out["escc"], out["sins"])
    out["fnclcc"] = _fnclcc()
    return out


def _katagiri_labs() -> Reading:
    c = pl.col
    crit_hit = pl.any_horizontal([test(c(f"labs.{n}")).fill_null(False) for n, test in KATAGIRI_CRITICAL])
    crit_unknown = pl.any_horizontal([c(f"labs.{n}").is_null() for n, _ in KATAGIRI_CRITICAL])
    abn_hit = pl.any_horizontal([test(c(f"labs.{n}")).fill_null(False) for n, test in KATAGIRI_ABNORMAL])
    abn_unknown = pl.any_horizontal([c(f"labs.{n}").is_null() for n, _ in KATAGIRI_ABNORMAL])
    cat = (pl.when(crit_hit).then(pl.lit("critical"))
           .when(~crit_unknown & abn_hit).then(pl.lit("abnormal"))
           .when(~crit_unknown & ~abn_unknown).then(pl.lit("normal")))
    pts = _points(katagiri.LABS)
    if not (pts["normal"] <= pts["abnormal"] <= pts["critical"]):
        raise ValueError("Katagiri laboratory tiers are not ordered")
    # possible: critical if a critical lab is unknown; abnormal if one is hit; else normal (and abnormal if unknown)
    lo = pl.when(abn_hit).then(pts["abnormal"]).otherwise(pts["normal"])
    hi = (pl.when(crit_unknown).then(pts["critical"])
          .when(abn_hit | abn_unknown).then(pts["abnormal"]).otherwise(pts["normal"]))
    r = reading(katagiri.LABS, cat, possible=(lo, hi))
    r.missing = [M(~r.known & c(f"labs.{n}").is_null(), f"labs.{n}") for n, _ in KATAGIRI_CRITICAL]
    r.missing += [M(~r.known & ~abn_hit & c(f"labs.{n}").is_null(), f"labs.{n}") for n, _ in KATAGIRI_ABNORMAL]
    return r


def _performance() -> Scored:
    c = pl.col
    ecog, kps, lansky, frankel, asia = (c("patient.ecog"), c("patient.kps"), c("patient.lansky"),
                                        c("neurology.frankel"), c("neurology.asia"))
    parts = [pl.when(x.is_not_null()).then(pl.concat_str([pl.lit(f"'{k}': "), _repr(x, kind)]))
             for k, x, kind in (("ecog", ecog, "int"), ("kps", kps, "int"), ("lansky", lansky, "int"),
                                ("frankel", frankel, "str"), ("asia", asia, "str"))]
    joined = _mat(pl.concat_list(parts).list.drop_nulls(), 1)
    value = pl.when(joined.list.len() > 0).then(pl.concat_str([pl.lit("{"), joined.list.join(", "), pl.lit("}")]))
    no_ps = ecog.is_null() & kps.is_null()
    no_neuro = frankel.is_null() & asia.is_null()
    no_lansky = lansky.is_null() & (c("patient.age_years") < 16).fill_null(False)
    missing = [M(no_ps, "patient.ecog"), M(no_ps, "patient.kps"), M(no_lansky, "patient.lansky"),
               M(no_neuro, "neurology.frankel"), M(no_neuro, "neurology.asia")]
    return Scored(pl.lit(True), value, None, None, pl.lit(None, dtype=STR), ~(no_ps | no_neuro | no_lansky), missing)


def _noms(has_spinal: pl.Expr, e: Scored, s: Scored) -> Scored:
    c = pl.col
    site = c("primary.site")
    hist = c("primary.histology").fill_null("").str.strip_chars().str.to_lowercase()
    sarcoma = site.is_in(list(radiosensitivity.SARCOMA_SITES)) & hist.is_in(list(radiosensitivity.SUBTYPE_TABLE))
    seminoma = (site == "germ_cell") & hist.str.contains("seminoma", literal=True) & ~hist.str.contains(
        "non", literal=True)
    sub = {k: v[0] for k, v in radiosensitivity.SUBTYPE_TABLE.items()}
    sites = {k: v[0] for k, v in radiosensitivity.SITE_TABLE.items()}
    sarcoma, seminoma = _mat(sarcoma.fill_null(False), 1), _mat(seminoma.fill_null(False), 1)
    onc = _mat(pl.when(site.is_null()).then(pl.lit(None, dtype=STR))
               .when(sarcoma).then(_map(hist, sub)).when(seminoma).then(pl.lit("radiosensitive"))
               .otherwise(_map(site, sites)), 2)
    stage = max(e.ready, s.ready)
    neuro = e.band
    mech = _mat(_map(s.band, noms.MECHANICAL), stage)
    myelopathy, fit = c("neurology.myelopathy"), c("patient.fit_for_surgery")
    systemic = pl.when(fit.is_null()).then(pl.lit("unknown")).when(fit).then(pl.lit("fit")).otherwise(pl.lit("unfit"))
    value = pl.concat_str([
        pl.lit("{'neurologic': "), _repr(neuro, "str"), pl.lit(", 'myelopathy': "), _repr(myelopathy, "bool"),
        pl.lit(", 'oncologic': "), _repr(onc, "str"), pl.lit(", 'mechanical': "), _repr(mech, "str"),
        pl.lit(", 'systemic': "), _repr(systemic, "str"), pl.lit("}")])
    by_histology = sarcoma | seminoma
    missing = [*_only(neuro.is_null(), e.missing), M(myelopathy.is_null(), "neurology.myelopathy"),
               M(onc.is_null() & by_histology, "primary.histology"), M(onc.is_null() & ~by_histology, "primary.site"),
               *_only(mech.is_null(), s.missing), M(fit.is_null(), "patient.fit_for_surgery")]
    determinate = neuro.is_not_null() & onc.is_not_null() & mech.is_not_null() & fit.is_not_null()
    return Scored(has_spinal, value, None, None, pl.lit(None, dtype=STR), determinate, missing, ready=stage + 1)


def _fnclcc() -> Scored:
    c = pl.col
    site, grade = c("primary.site"), c("primary.grade")
    applies = (site == "soft_tissue").fill_null(False) | grade.is_not_null() | c("_fnclcc")
    base = "primary.fnclcc"
    readings = [
        reading(fnclcc.DIFFERENTIATION, c(f"{base}.differentiation").cast(STR), [f"{base}.differentiation"]),
        reading(fnclcc.MITOSES, _map(c(f"{base}.mitoses_per_10hpf"), FNCLCC_MITOSES), [f"{base}.mitoses_per_10hpf"]),
        reading(fnclcc.NECROSIS, c(f"{base}.necrosis"), [f"{base}.necrosis"]),
    ]
    computed = additive(applies, readings, fnclcc.BANDS)
    assert computed.complete is not None
    complete = computed.complete
    recorded = ~complete & grade.is_not_null()  # the recorded grade stands in for the incomplete components
    return Scored(
        applies, computed.value, computed.lo, computed.hi,
        pl.when(recorded).then(grade).otherwise(computed.band),
        pl.when(recorded).then(pl.lit(True)).otherwise(computed.determinate),
        [*_only(~recorded, computed.missing), M(~complete & grade.is_null(), "primary.grade")],
        ready=computed.ready,
    )


_PLANS: dict[int, tuple[list[list[pl.Expr]], list[pl.Expr]]] = {}
_LOCK = threading.Lock()


def _plan(n: int) -> tuple[list[list[pl.Expr]], list[pl.Expr]]:
    """The staged expressions for a table with ``n`` lesion positions (built once per ``n``)."""
    with _LOCK:
        if n in _PLANS:
            return _PLANS[n]
        _BUILD.clear()
        scores = _case_scores(n)
        cols: list[pl.Expr] = []
        missing: list[M] = []
        for key in REGISTRY:
            s = scores[key]
            a = s.applies
            cols += [
                pl.when(a).then(s.value).cast(STR).alias(f"{key}.value"),
                pl.when(a).then(s.band).cast(STR).alias(f"{key}.band"),
                (pl.when(a).then(s.lo) if s.lo is not None else pl.lit(None)).cast(pl.Float64).alias(f"{key}.min"),
                (pl.when(a).then(s.hi) if s.hi is not None else pl.lit(None)).cast(pl.Float64).alias(f"{key}.max"),
                pl.when(a).then(s.determinate).cast(pl.Boolean).alias(f"{key}.determinate"),
            ]
            missing += _only(a, s.missing)
        joined = _missing_column(missing, n)
        stages = [list(stage.values()) for stage in _BUILD if stage]
        _BUILD.clear()
        _PLANS[n] = (stages, [pl.col("_ok"), pl.col("_id"), *cols, joined.alias("missing")])
        return _PLANS[n]


def _missing_column(missing: list[M], n: int) -> pl.Expr:
    """``;``-joined sorted distinct missing paths, as ``sorted(set(...))`` in ``rows.assess_record``.

    Static paths never start with ``lesions.``, so each sorts wholly before or after every lesion path; lesion paths
    sort by ``<key>.`` (keys hold no dot) then by field."""
    static: dict[str, list[pl.Expr]] = {}
    lesion: dict[tuple[int, str], list[pl.Expr]] = {}
    for m in missing:
        if isinstance(m.path, str):
            static.setdefault(m.path, []).append(m.cond)
        else:
            lesion.setdefault(m.path, []).append(m.cond)
    if any(p.startswith("lesions.") for p in static):
        raise ValueError("a static missing path names a lesion")
    sep = LIST_SEPARATOR

    def part(conds: list[pl.Expr], text: pl.Expr) -> pl.Expr:
        return pl.when(pl.any_horizontal(conds).fill_null(False)).then(text)

    blocks = []
    for p in range(n):
        key = pl.coalesce(pl.col(f"L{p}.id"), pl.lit(str(p)))
        fields = sorted(f for q, f in lesion if q == p)
        blocks.append((key, pl.concat_str([part(lesion[(p, f)], pl.concat_str([pl.lit("lesions."), key,
                                                                                 pl.lit(f".{f}{sep}")]))
                                           for f in fields] or [pl.lit("")], ignore_nulls=True)))
    if len(blocks) == 1:
        lesions = blocks[0][1]
    elif blocks:  # order the lesion blocks by "<key>." per row
        lesions = (pl.concat_list([pl.concat_str([k, pl.lit(".\x01"), b]) for k, b in blocks]).list.sort()
                   .list.eval(pl.element().str.replace(r"^[^\x01]*\x01", "")).list.join(""))
    else:
        lesions = pl.lit("")
    before = [part(static[s], pl.lit(s + sep)) for s in sorted(static) if s < "lesions."]
    after = [part(static[s], pl.lit(s + sep)) for s in sorted(static) if s > "lesions."]
    return pl.concat_str([*before, lesions, *after], ignore_nulls=True).str.strip_suffix(sep)


def score_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every output score column (``rows.output_schema``) and ``missing`` for a table, plus ``_ok`` and ``_id``.

    ``_ok`` is false for the rows that must go through the scalar path (see the module docstring)."""
    frame, positions = prepare(df)
    stages, final = _plan(len(positions))
    for stage in stages:  # eager: a lazy plan of this size costs more to optimise than to run on a batch
        frame = frame.with_columns(stage)
    return frame.select(final)

# ---------------------------------------------------------------------------------------------------------------
# Assessment rows, identical to rows.assess_record(..., plan=False)


def assess_table(table: Any, first_seq: int, skip: Callable[[int], bool] | None = None,
                 stats: dict[str, int] | None = None) -> Any:
    """Assessment rows (an Arrow table in ``rows.output_schema()``) for an Arrow table or batch of cases.

    ``first_seq`` is the input position of the first row; rows whose position ``skip`` accepts are left out;
    ``stats`` counts the rows computed here (``vectorised``) and by the scalar path (``scalar``)."""
    import pyarrow as pa

    from tumorboard.cohort.columns import unflatten
    from tumorboard.cohort.rows import assess_record, output_schema
    from tumorboard.cohort.sources import Record

    schema = output_schema()
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    n = table.num_rows
    seqs = list(range(first_seq, first_seq + n))
    keep = [i for i, s in enumerate(seqs) if not (skip and skip(s))]
    if not keep:
        return schema.empty_table()
    if len(keep) < n:
        table = table.take(pa.array(keep, type=pa.int64()))
    seq = pa.array([seqs[i] for i in keep], type=pa.int64())
    scored: pl.DataFrame | None = None
    if COMPLETE:
        try:
            scored = score_frame(pl.from_arrow(table))  # type: ignore[arg-type]
        except Exception:  # an input polars cannot take (duplicate names, odd types): every row goes scalar
            scored = None
    ok = [False] * len(keep) if scored is None else scored["_ok"].to_list()
    bad = [i for i, good in enumerate(ok) if not good]
    if stats is not None:
        stats["vectorised"] = stats.get("vectorised", 0) + len(keep) - len(bad)
        stats["scalar"] = stats.get("scalar", 0) + len(bad)
    if scored is not None and bad != list(range(len(keep))):
        ids = [rid if rid else f"row-{s}" for rid, s in zip(scored["_id"].to_list(), seq.to_pylist(), strict=True)]
        frame = scored.drop("_ok", "_id").with_columns(
            pl.Series("seq", seq.to_pylist(), dtype=pl.Int64), pl.Series("id", ids, dtype=STR),
            *(pl.lit(None, dtype=STR).alias(k) for k in ("error", "kb_version", "engine_version", "plan.top_modality",
                                                         "plan.options", "plan.avoid")),
            pl.lit(None, dtype=pl.Int64).alias("plan.warnings"),
        )
        fast = frame.select(schema.names).to_arrow().cast(schema)
    else:
        fast = schema.empty_table()
    if not bad:
        return fast
    rows = table.take(pa.array(bad, type=pa.int64())).to_pylist()
    slow_rows = []
    for i, row in zip(bad, rows, strict=True):
        s = seq[i].as_py()
        extra = {k: v for k, v in row.items() if k.startswith(("outcome.", "treatment."))}
        rid = str(row.get("id") or f"row-{s}")
        slow_rows.append(assess_record(Record(s, rid, unflatten(row), extra=extra or None), plan=False))
    slow = pa.Table.from_pylist(slow_rows, schema=schema)
    if scored is None or len(bad) == len(keep):
        return slow
    return pa.concat_tables([fast.filter(pa.array(ok)), slow]).sort_by("seq")


def iter_tables(path: str | Path, batch_size: int) -> Iterator[Any]:
    """Arrow batches of a CSV or Parquet table, read as ``sources.iter_records`` reads them (same types, same nulls),
    in batches of at most ``batch_size`` rows: memory is bounded by the batch size."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = Path(path)
    if path.suffix.lower() == ".parquet":
        yield from pq.ParquetFile(path).iter_batches(batch_size=batch_size)
        return
    convert = pacsv.ConvertOptions(strings_can_be_null=True, auto_dict_encode=False)
    reader = pacsv.open_csv(path, convert_options=convert, read_options=pacsv.ReadOptions(block_size=1 << 22))
    for batch in reader:
        for start in range(0, batch.num_rows, batch_size):
            yield batch.slice(start, batch_size)


def is_table(path: str | Path) -> bool:
    p = Path(path)
    return p.is_file() and p.suffix.lower() in {".csv", ".parquet"}

