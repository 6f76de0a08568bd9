"""FHIR R4 (mCODE STU4) bundle -> ``Extraction`` (a case, each value's provenance, and what could not be mapped).

The bundle is first validated structurally with ``fhir.resources.R4B`` (one resource at a time, so that an error
names the entry, the resource and the element), then mapped from the plain JSON with the code maps in ``maps/``.
Nothing is guessed: a code that no map knows is listed in ``unmapped``; a value outside the case format's range is
listed too, never clipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from tumorboard.fhir import codes
from tumorboard.fhir.errors import FhirError
from tumorboard.model.case import Case
from tumorboard.model.provenance import ExtractedFact, Extraction
from tumorboard.model.units import UnitError, convert_lab
from tumorboard.model.vocabulary import SPINAL_LEVELS, SPINAL_REGIONS

SYSTEMIC_CLASSES = ("chemotherapy", "targeted_therapy", "immunotherapy", "hormone_therapy")
RT_COURSE = "1217123003"
SURGICAL_CATEGORY = "387713003"
REQUEST_STATUSES = {"active", "completed", "stopped", "on-hold"}
ADMIN_STATUSES = {"completed", "in-progress", "stopped", "on-hold"}
LEVEL_RE = re.compile(r"\b(occiput|[CTLS]\d{1,2})\b", re.I)
LEVEL_RANGE_RE = re.compile(r"\b([CTLS])(\d{1,2})\s*(?:-|–|to)\s*([CTLS])?(\d{1,2})\b", re.I)


# -- validation --------------------------------------------------------------------------------------------------
def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_bundle(data: Any) -> list[dict[str, Any]]:
    """Check the bundle's structure with fhir.resources R4B; return the entry resources as dicts."""
    from fhir.resources.R4B import get_fhir_model_class

    if not isinstance(data, dict):
        raise FhirError(f"a FHIR Bundle must be a JSON object, not {type(data).__name__}")
    if data.get("resourceType") != "Bundle":
        raise FhirError(f"expected resourceType 'Bundle', found {data.get('resourceType')!r}", element="resourceType")
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise FhirError("must be a list", resource="Bundle", element="entry")
    shell = {**data, "entry": [{k: v for k, v in e.items() if k != "resource"} if isinstance(e, dict) else e
                               for e in entries]}
    try:
        get_fhir_model_class("Bundle").model_validate(shell)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise FhirError(str(err["msg"]), resource="Bundle", element=_loc(tuple(err["loc"]))) from None
    resources: list[dict[str, Any]] = []
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if res is None:
            continue
        where = f"entry[{i}]"
        if not isinstance(res, dict):
            raise FhirError("must be a JSON object", resource=where, element="resource")
        rtype = res.get("resourceType")
        name = f"{rtype}/{res.get('id', '?')} ({where})"
        try:
            cls = get_fhir_model_class(str(rtype))
        except (ValueError, KeyError):
            raise FhirError(f"unknown resourceType {rtype!r}", resource=where, element="resource.resourceType") \
                from None
        try:
            cls.model_validate(res)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            raise FhirError(str(err["msg"]), resource=name, element=_loc(tuple(err["loc"])) or None) from None
        resources.append(res)
    return resources


# -- small JSON helpers ------------------------------------------------------------------------------------------
def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict) and c.get("code")]


def _text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for c in concept.get("coding") or []:
        if c.get("display"):
            return str(c["display"])
    return ""


def _ext(obj: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Extensions whose url is the mCODE profile ``name`` (or ends with it, for sub-extensions)."""
    return [e for e in obj.get("extension") or [] if str(e.get("url", "")).endswith(name)]


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        if len(value) == 4:
            return date(int(value), 7, 1)
        if len(value) == 7:
            return date(int(value[:4]), int(value[5:7]), 15)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _when(res: dict[str, Any]) -> date | None:
    for key in ("effectiveDateTime", "occurrenceDateTime", "performedDateTime", "authoredOn", "onsetDateTime",
                "recordedDate", "issued"):
        d = _parse_date(res.get(key))
        if d:
            return d
    for key in ("effectivePeriod", "performedPeriod", "onsetPeriod"):
        period = res.get(key) or {}
        d = _parse_date(period.get("end")) or _parse_date(period.get("start"))
        if d:
            return d
    return None


def _months(earlier: date, later: date) -> float:
    return round(max(0.0, (later - earlier).days / 30.4375), 1)


def ref(res: dict[str, Any]) -> str:
    return f"{res.get('resourceType')}/{res.get('id', '?')}"


def _has_profile(res: dict[str, Any], name: str) -> bool:
    return any(str(p).endswith(name) for p in (res.get("meta") or {}).get("profile") or [])


# -- the lesion model while reading ------------------------------------------------------------------------------
@dataclass
class Site:
    region: str | None = None
    levels: list[str] = field(default_factory=list)
    side: str | None = None
    limb: str | None = None
    location: str | None = None
    structures: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class LesionDraft:
    site: Site
    resource: str
    local_recurrence: bool | None = None
    metastasis: bool = True
    fields: dict[str, Any] = field(default_factory=dict)
    field_refs: dict[str, tuple[str, str]] = field(default_factory=dict)


def _levels_from_text(text: str) -> list[str]:
    found: list[str] = []
    for m in LEVEL_RANGE_RE.finditer(text):
        a, lo, b, hi = m.group(1).upper(), int(m.group(2)), (m.group(3) or m.group(1)).upper(), int(m.group(4))
        if a == b and lo <= hi:
            for n in range(lo, hi + 1):
                found.append(f"{a}{n}")
    for m in LEVEL_RE.finditer(text):
        label = m.group(1)
        found.append("occiput" if label.lower() == "occiput" else label.upper())
    out: list[str] = []
    for lv in found:
        if lv in SPINAL_LEVELS and lv not in out:
            out.append(lv)
    return sorted(out, key=SPINAL_LEVELS.index)


def _region_of_level(level: str) -> str:
    return {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacrum"}.get(level[0], "cervical")


class Reader:
    """One bundle being read: the case as a dict, the facts, the unmapped codes and the notes."""

    def __init__(self, resources: list[dict[str, Any]], reference_date: date) -> None:
        self.resources = resources
        self.today = reference_date
        self.by_ref = {ref(r): r for r in resources}
        self.case: dict[str, Any] = {"format": "tumorboard.case/v1"}
        self.facts: list[ExtractedFact] = []
        self.unmapped: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.lesions: list[LesionDraft] = []

    # -- recording ---------------------------------------------------------------------------------------------
    def put(self, path: str, value: Any, res: dict[str, Any] | str, rule: str, snippet: str | None = None) -> None:
        node = self.case
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
        self.fact(path, value, res, rule, snippet)

    def fact(self, path: str, value: Any, res: dict[str, Any] | str, rule: str, snippet: str | None = None) -> None:
        resource = res if isinstance(res, str) else ref(res)
        self.facts.append(ExtractedFact(path=path, value=value, source="fhir", resource=resource, rule=rule,
                                        snippet=snippet or None))

    def miss(self, res: dict[str, Any], element: str, reason: str, concept: Any = None, **extra: Any) -> None:
        codings = _codings(concept) if concept is not None else []
        item: dict[str, Any] = {"resource": ref(res), "element": element, "reason": reason}
        if codings:
            item["codes"] = [{k: c.get(k) for k in ("system", "code", "display") if c.get(k)} for c in codings]
        text = _text(concept) if concept is not None else ""
        if text:
            item["text"] = text
        item.update(extra)
        self.unmapped.append(item)

    def of_type(self, *types: str) -> Iterator[dict[str, Any]]:
        return (r for r in self.resources if r.get("resourceType") in types)

    # -- the whole bundle --------------------------------------------------------------------------------------
    def run(self) -> Extraction:
        self.patient()
        self.conditions()
        self.observations()
        self.procedures()
        self.medications()
        self.finish_lesions()
        handled = {"Patient", "Condition", "Observation", "Procedure", "MedicationRequest",
                   "MedicationAdministration", "MedicationStatement", "Medication", "BodyStructure"}
        ignored: dict[str, int] = {}
        for r in self.resources:
            t = str(r.get("resourceType"))
            if t not in handled:
                ignored[t] = ignored.get(t, 0) + 1
        if ignored:
            self.notes.append("not read: " + ", ".join(f"{n} {t}" for t, n in sorted(ignored.items())))
        from tumorboard.model.parse import CaseError, parse_case_data

        try:
            case = parse_case_data(self.case).case
        except CaseError as exc:  # a mapping bug, not a user error: say which field
            raise FhirError(f"the mapped case is invalid: {exc}", resource="Bundle") from None
        return Extraction(case=case, facts=self.facts, notes=self.notes, unmapped=self.unmapped)

    # -- Patient -----------------------------------------------------------------------------------------------
    def patient(self) -> None:
        patients = list(self.of_type("Patient"))
        if not patients:
            self.notes.append("no Patient resource: age and sex unknown")
            return
        if len(patients) > 1:
            raise FhirError(f"the bundle holds {len(patients)} Patients; one patient per bundle",
                            resource=ref(patients[1]))
        p = patients[0]
        self.patient_ref = ref(p)
        self.case["id"] = f"fhir-{p.get('id', 'patient')}"
        birth = _parse_date(p.get("birthDate"))
        if birth:
            years = self.today.year - birth.year - ((self.today.month, self.today.day) < (birth.month, birth.day))
            if p.get("deceasedBoolean") or p.get("deceasedDateTime"):
                self.notes.append(f"{ref(p)} is recorded as deceased")
            self.put("patient.age_years", years, p, f"birthDate {p.get('birthDate')} to {self.today.isoformat()}")
        gender = p.get("gender")
        if gender in ("female", "male", "other", "unknown"):
            self.put("patient.sex", gender, p, "Patient.gender")

    # -- Conditions --------------------------------------------------------------------------------------------
    def conditions(self) -> None:
        primaries: list[dict[str, Any]] = []
        for c in self.of_type("Condition"):
            status = _codings(c.get("verificationStatus"))
            if any(s.get("code") in ("refuted", "entered-in-error") for s in status):
                self.notes.append(f"{ref(c)} is {status[0]['code']}: not used")
                continue
            codings = _codings(c.get("code"))
            if _has_profile(c, "mcode-secondary-cancer-condition") or any(
                codes.is_secondary_code(k.get("system", ""), k["code"]) for k in codings
            ):
                self.secondary(c)
            elif _has_profile(c, "mcode-primary-cancer-condition") or any(
                codes.primary_site(k.get("system", ""), k["code"]) for k in codings
            ):
                primaries.append(c)
            else:
                self.other_condition(c)
        if len(primaries) > 1:
            self.notes.append("several primary cancer conditions: " + ", ".join(ref(p) for p in primaries)
                              + f"; the case uses {ref(primaries[0])}")
        if primaries:
            self.primary(primaries[0])

    def primary(self, c: dict[str, Any]) -> None:
        site_match: codes.Match | None = None
        for k in _codings(c.get("code")):
            site_match = codes.primary_site(k.get("system", ""), k["code"])
            if site_match:
                break
        morph = self.morphology_of(c)
        site = site_match.value.get("value") or site_match.value.get("site") if site_match else None
        if morph and morph[0].value.get("site") and (site is None or site in ("bone_sarcoma_other", "other")
                                                     or morph[0].value["site"] in ("melanoma", "myeloma")):
            site = morph[0].value["site"]
            self.put("primary.site", site, morph[1], morph[0].rule)
        elif site_match and site:
            self.put("primary.site", site, c, site_match.rule, _text(c.get("code")))
        else:
            self.miss(c, "code", "primary cancer code not in conditions.yaml", c.get("code"))
        if morph:
            self.put("primary.histology", morph[0].value["histology"], morph[1], morph[0].rule)
        onset = _parse_date(c.get("onsetDateTime")) or _parse_date((c.get("onsetPeriod") or {}).get("start")) \
            or _parse_date(c.get("recordedDate"))
        if onset:
            self.put("primary.months_since_diagnosis", _months(onset, self.today), c,
                     f"onset {onset.isoformat()} to {self.today.isoformat()}")
        clinical = [k["code"] for k in _codings(c.get("clinicalStatus"))]
        if "recurrence" in clinical or "relapse" in clinical:
            self.put("primary.local_recurrence", True, c, "Condition.clinicalStatus recurrence")
            self.status_from_condition = (c, "recurrent")
        is_sarcoma = bool(morph and morph[0].value.get("sarcoma")) or site in ("soft_tissue", "osteosarcoma",
                                                                                 "bone_sarcoma_other")
        active = not clinical or any(x in ("active", "recurrence", "relapse") for x in clinical)
        if is_sarcoma and active and c.get("bodySite"):
            s = self.site_of(c, c.get("bodySite") or [])
            if s.region:
                recurrence = True if "recurrence" in clinical or "relapse" in clinical else None
                self.lesions.append(LesionDraft(s, ref(c), local_recurrence=recurrence, metastasis=False))

    status_from_condition: tuple[dict[str, Any], str] | None = None
    patient_ref: str | None = None

    def morphology_of(self, c: dict[str, Any]) -> tuple[codes.Match, dict[str, Any]] | None:
        for e in _ext(c, "mcode-histology-morphology-behavior"):
            for k in _codings(e.get("valueCodeableConcept")):
                if k.get("system") == codes.ICDO3:
                    m = codes.morphology(k["code"])
                    if m:
                        return m, c
            self.miss(c, "extension[mcode-histology-morphology-behavior]", "morphology not in conditions.yaml",
                      e.get("valueCodeableConcept"))
        morph_codes = set(codes.observations()["morphology"])
        for o in self.of_type("Observation"):
            if any(k.get("system") == codes.LOINC and k["code"] in morph_codes for k in _codings(o.get("code"))):
                for k in _codings(o.get("valueCodeableConcept")):
                    m = codes.morphology(k["code"]) if k.get("system") == codes.ICDO3 else None
                    if m:
                        return m, o
        return None

    def secondary(self, c: dict[str, Any]) -> None:
        match: codes.Match | None = None
        for k in _codings(c.get("code")):
            match = codes.secondary_site(k.get("system", ""), k["code"])
            if match:
                break
        where = (match.value.get("value") or match.value.get("site")) if match else None
        if where is None or match is None:
            self.miss(c, "code", "secondary cancer code not in conditions.yaml", c.get("code"))
            return
        if where in ("bone", "bone_marrow") or (where == "unspecified" and c.get("bodySite")):
            s = self.site_of(c, c.get("bodySite") or [])
            if where == "bone_marrow":
                self.notes.append(f"{ref(c)}: bone marrow involvement recorded (not a lesion)")
                return
            if not s.region:
                self.notes.append(f"{ref(c)}: bone metastasis without a mapped body site; no lesion made")
                self.fact("disease.skeletal_metastases", "present", c, match.rule)
                self.bone_without_site = True
                return
            self.lesions.append(LesionDraft(s, ref(c)))
            return
        if where == "lymph_node":
            self.put("disease.lymph_node_metastases", True, c, match.rule, _text(c.get("code")))
        elif where == "brain":
            self.put("disease.brain_metastases", True, c, match.rule, _text(c.get("code")))
            self.visceral("brain", c, match.rule)
        elif where in ("lung", "liver", "adrenal", "pleura", "peritoneum", "other"):
            self.visceral(where, c, match.rule)
        else:
            self.miss(c, "code", f"secondary site {where!r} has no case field", c.get("code"))

    bone_without_site = False

    def visceral(self, site: str, c: dict[str, Any], rule: str) -> None:
        disease = self.case.setdefault("disease", {})
        sites = list(disease.get("visceral_sites") or [])
        if site not in sites:
            sites.append(site)
        self.put("disease.visceral_sites", sites, c, rule, _text(c.get("code")))

    def other_condition(self, c: dict[str, Any]) -> None:
        for k in _codings(c.get("code")):
            m = codes.other_condition(k.get("system", ""), k["code"])
            if m:
                v = m.value
                self.put(v["path"], v["value"], c, m.rule, _text(c.get("code")))
                if v.get("note"):
                    self.notes.append(f"{ref(c)}: {v['note']}")
                if v.get("lesion") and c.get("bodySite"):
                    self.pending_fractures.append(c)
                return
        self.miss(c, "code", "condition code not in conditions.yaml", c.get("code"))

    pending_fractures: list[dict[str, Any]]

    def site_of(self, res: dict[str, Any], body_sites: Iterable[dict[str, Any]]) -> Site:
        """Region, levels, side and limb of a bodySite list (with mCODE laterality and location qualifiers)."""
        s = Site()
        texts: list[str] = []
        for bs in body_sites:
            texts.append(_text(bs))
            for k in _codings(bs):
                m = codes.body_site(k.get("system", ""), k["code"])
                if m:
                    if s.region in (None, "spine") or m.value.get("region") not in (None, "spine"):
                        s.region = m.value.get("region") or s.region
                    s.limb = m.value.get("limb") or s.limb
                    s.location = m.value.get("location") or s.location
                    s.rules.append(m.rule)
                else:
                    side = codes.laterality(k.get("system", ""), k["code"])
                    if side:
                        s.side = side
                        s.rules.append(f"body_sites.yaml:laterality:{k['code']}")
                    else:
                        self.miss(res, "bodySite", "body site not in body_sites.yaml", bs)
            for e in _ext(bs, "mcode-laterality-qualifier"):
                for k in _codings(e.get("valueCodeableConcept")):
                    side = codes.laterality(k.get("system", ""), k["code"])
                    if side:
                        s.side = side
                        s.rules.append(f"body_sites.yaml:laterality:{k['code']}")
            for e in _ext(bs, "mcode-body-location-qualifier"):
                texts.append(_text(e.get("valueCodeableConcept")))
        text = " ".join(t for t in texts if t)
        s.text = text
        for pattern, r in codes.text_refinements():
            if pattern.search(text):
                if r.get("structure"):
                    s.structures.append(r["structure"])
                    continue
                if s.region in (None, "spine", "pelvis", "other_bone") or r.get("region") == s.region:
                    s.region = r.get("region", s.region)
                    s.limb = r.get("limb") or s.limb
                    s.location = r.get("location") or s.location
                    s.rules.append(f"body_sites.yaml:text_refinements:{pattern.pattern}")
        if s.region in SPINAL_REGIONS or s.region == "spine":
            s.levels = _levels_from_text(text)
            if s.levels:
                s.rules.append("bodySite text: spinal levels")
                if s.region == "spine" or s.region != _region_of_level(s.levels[0]):
                    s.region = _region_of_level(s.levels[0])
        if s.region == "spine":
            self.miss(res, "bodySite", "vertebral column without a level: region unknown", next(iter(body_sites), None))
            s.region = None
        if text and s.region not in SPINAL_REGIONS:
            s.location = text[:200]
        return s

    # -- Observations ------------------------------------------------------------------------------------------
    def observations(self) -> None:
        obs_map = codes.observations()
        perf = obs_map["performance"]
        labs = obs_map["labs"]
        latest: dict[str, list[tuple[date, dict[str, Any], str]]] = {}
        handled_codes = set(perf) | set(labs) | {obs_map["disease_status"], obs_map["weight"],
                                                  *obs_map["morphology"]}
        for o in self.of_type("Observation"):
            if o.get("status") in ("entered-in-error", "cancelled", "preliminary"):
                continue
            key = None
            for k in _codings(o.get("code")):
                if k.get("system") == codes.LOINC and k["code"] in handled_codes:
                    key = k["code"]
                elif k.get("system") == codes.NCIT and k["code"] == obs_map["lansky_ncit"]:
                    key = "lansky"
            if key is None:
                self.miss(o, "code", "observation code not in observations.yaml", o.get("code"))
                continue
            d = _when(o) or date.min
            latest.setdefault(key, []).append((d, o, key))
        for key, items in latest.items():
            items.sort(key=lambda t: t[0], reverse=True)
            if key in perf or key == "lansky":
                spec = perf.get(key) or {"path": "patient.lansky", "min": 0, "max": 100}
                self.performance(spec, [o for _, o, _ in items], key)
            elif key in labs:
                self.lab(labs[key], items[0][1], [o for _, o, _ in items[1:]])
            elif key == obs_map["disease_status"]:
                self.disease_status([o for _, o, _ in items])
            elif key == obs_map["weight"]:
                self.weight(items[0][1])
        if self.status_from_condition and "status" not in self.case.get("primary", {}):
            c, status = self.status_from_condition
            self.put("primary.status", status, c, "Condition.clinicalStatus recurrence")

    def performance(self, spec: dict[str, Any], items: list[dict[str, Any]], key: str) -> None:
        path = spec["path"]
        used = None
        for o in items:
            value = o.get("valueInteger")
            if value is None and isinstance(o.get("valueQuantity"), dict):
                value = o["valueQuantity"].get("value")
            if value is None:
                for k in _codings(o.get("valueCodeableConcept")):
                    if str(k["code"]).isdigit():
                        value = int(k["code"])
            if used is None:
                if not isinstance(value, (int, float)) or not spec["min"] <= value <= spec["max"] \
                        or (path != "patient.ecog" and int(value) % 10):
                    self.miss(o, "value", f"{path} value {value!r} outside the case format's range", o.get("code"))
                    continue
                used = o
                when = _when(o)
                self.put(path, int(value), o, f"observations.yaml:{key} most recent",
                         f"{_text(o.get('code'))} = {value} on {when.isoformat() if when else 'unknown date'}")
            else:
                when = _when(o)
                self.notes.append(f"{path}: earlier value {value} on {when} ({ref(o)}) superseded by {ref(used)}")

    def lab(self, field_name: str, o: dict[str, Any], older: list[dict[str, Any]]) -> None:
        q = o.get("valueQuantity")
        if not isinstance(q, dict) or q.get("value") is None:
            self.miss(o, "value[x]", "lab without a valueQuantity", o.get("code"))
            return
        unit = str(q.get("code") or q.get("unit") or "")
        try:
            conv = convert_lab(field_name, float(q["value"]), unit)
        except UnitError as exc:
            self.miss(o, "valueQuantity", f"labs.{field_name}: {exc}", o.get("code"), unit=unit)
            return
        when = _when(o)
        rule = f"observations.yaml:labs most recent; {conv.describe()}" if conv.converted != conv.value \
            else "observations.yaml:labs most recent"
        self.put(f"labs.{field_name}", conv.converted, o, rule,
                 f"{_text(o.get('code'))} {q['value']} {unit} on {when.isoformat() if when else 'unknown date'}")
        for old in older:
            self.notes.append(f"labs.{field_name}: older result {ref(old)} not used")

    def disease_status(self, items: list[dict[str, Any]]) -> None:
        values = codes.observations()["disease_status_values"]
        for o in items:
            for k in _codings(o.get("valueCodeableConcept")):
                if k.get("system") == codes.SNOMED and k["code"] in values:
                    rule = f"observations.yaml:disease_status_values:{k['code']}"
                    self.put("primary.status", values[k["code"]], o, rule, _text(o.get("valueCodeableConcept")))
                    return
            self.miss(o, "valueCodeableConcept", "disease status value not in observations.yaml",
                      o.get("valueCodeableConcept"))

    def weight(self, o: dict[str, Any]) -> None:
        q = o.get("valueQuantity") or {}
        unit = str(q.get("code") or q.get("unit") or "")
        factor = {"kg": 1.0, "g": 0.001, "[lb_av]": 0.45359237, "lb": 0.45359237}.get(unit)
        if q.get("value") is None or factor is None:
            self.miss(o, "valueQuantity", f"body weight in unit {unit!r}", o.get("code"))
            return
        self.put("patient.weight_kg", round(float(q["value"]) * factor, 1), o, f"LOINC 29463-7 ({unit})")

    # -- Procedures --------------------------------------------------------------------------------------------
    def procedures(self) -> None:
        self.rt_courses: list[tuple[dict[str, Any], Site, dict[str, Any]]] = []
        self.surgeries: list[tuple[dict[str, Any], Site]] = []
        for p in self.of_type("Procedure"):
            if p.get("status") in ("entered-in-error", "not-done", "preparation"):
                continue
            code_ids = {k["code"] for k in _codings(p.get("code")) if k.get("system") == codes.SNOMED}
            if RT_COURSE in code_ids or _has_profile(p, "mcode-radiotherapy-course-summary"):
                self.rt_courses.append((p, self.rt_site(p), self.rt_dose(p)))
            elif _has_profile(p, "mcode-cancer-related-surgical-procedure") or SURGICAL_CATEGORY in {
                k["code"] for k in _codings(p.get("category"))
            }:
                self.surgeries.append((p, self.site_of(p, p.get("bodySite") or [])))
            else:
                self.miss(p, "code", "procedure is neither a radiotherapy course nor a cancer-related surgery",
                          p.get("code"))

    def rt_site(self, p: dict[str, Any]) -> Site:
        sites = list(p.get("bodySite") or [])
        for e in _ext(p, "mcode-radiotherapy-dose-delivered-to-volume"):
            for sub in _ext(e, "volume"):
                target = (sub.get("valueReference") or {}).get("reference", "")
                body = self.by_ref.get(target)
                if body:
                    if body.get("location"):
                        loc = dict(body["location"])
                        if body.get("description") and not loc.get("text"):
                            loc["text"] = body["description"]
                        sites.append(loc)
                    for q in body.get("locationQualifier") or []:
                        sites.append(q)
        return self.site_of(p, sites)

    def rt_dose(self, p: dict[str, Any]) -> dict[str, Any]:
        dose: float | None = None
        fractions: int | None = None
        for e in _ext(p, "mcode-radiotherapy-dose-delivered-to-volume"):
            for sub in _ext(e, "totalDoseDelivered"):
                q = sub.get("valueQuantity") or {}
                unit = str(q.get("code") or q.get("unit") or "")
                if q.get("value") is not None and unit in ("cGy", "Gy"):
                    dose = (dose or 0.0) + float(q["value"]) / (100.0 if unit == "cGy" else 1.0)
                elif q.get("value") is not None:
                    self.miss(p, "extension.totalDoseDelivered", f"dose in unit {unit!r}")
            for sub in _ext(e, "fractionsDelivered"):
                if sub.get("valueUnsignedInt") is not None:
                    fractions = int(sub["valueUnsignedInt"])
        if fractions is None:
            for e in _ext(p, "mcode-radiotherapy-sessions"):
                if e.get("valueUnsignedInt") is not None:
                    fractions = int(e["valueUnsignedInt"])
        when = _when(p)
        return {"dose_gy": round(dose, 2) if dose is not None else None, "fractions": fractions,
                "months_ago": _months(when, self.today) if when else None}

    # -- Medications -------------------------------------------------------------------------------------------
    def medications(self) -> None:
        lines: list[tuple[date, str, dict[str, Any], str, str]] = []
        supportive: dict[str, list[str]] = {}
        for m in self.of_type("MedicationRequest", "MedicationAdministration", "MedicationStatement"):
            allowed = REQUEST_STATUSES if m["resourceType"] == "MedicationRequest" else ADMIN_STATUSES | {"active"}
            if m.get("status") not in allowed:
                self.notes.append(f"{ref(m)} has status {m.get('status')!r}: not counted as treatment given")
                continue
            if m["resourceType"] == "MedicationRequest" and m.get("intent") in ("proposal", "plan"):
                self.notes.append(f"{ref(m)} is a {m.get('intent')}: not counted as treatment given")
                continue
            concept = m.get("medicationCodeableConcept")
            med_ref = (m.get("medicationReference") or {}).get("reference")
            if med_ref and med_ref in self.by_ref:
                concept = self.by_ref[med_ref].get("code")
            match = None
            for k in _codings(concept):
                match = codes.medication(k.get("system", ""), k["code"])
                if match:
                    break
            if match is None and _text(concept):
                match = codes.medication_by_name(_text(concept))
            if match is None:
                self.miss(m, "medication[x]", "medication not in medications.yaml", concept)
                continue
            name, klass = match.value["name"], match.value["class"]
            if klass in SYSTEMIC_CLASSES:
                lines.append((_when(m) or date.min, name, m, match.rule, klass))
            else:
                supportive.setdefault(klass, [])
                if name not in supportive[klass]:
                    supportive[klass].append(name)
                self.fact(f"history.extra.{klass}", name, m, match.rule, _text(concept))
        lines.sort(key=lambda t: t[0])
        names: list[str] = []
        for _, name, m, rule, _klass in lines:
            if name not in names:
                names.append(name)
                self.fact("history.systemic_lines", name, m, rule)
        if names:
            self.case.setdefault("history", {})["systemic_lines"] = names
        chemo = [t for t in lines if t[4] == "chemotherapy"]
        if chemo:
            self.put("history.prior_chemotherapy", True, chemo[0][2], "medications.yaml class chemotherapy")
        if supportive:
            self.case.setdefault("history", {}).setdefault("extra", {}).update(supportive)

    # -- lesions -----------------------------------------------------------------------------------------------
    def finish_lesions(self) -> None:
        drafts = self._merge(self.lesions)
        for p, site, dose in sorted(self.rt_courses, key=lambda t: -(t[2]["months_ago"] or 0)):
            target = self._match(drafts, site)
            if target is None:
                self.notes.append(f"{ref(p)}: radiotherapy to {site.text or 'an unmapped site'} matches no lesion")
                continue
            if "prior_radiotherapy" in target.fields:
                self.notes.append(f"{ref(p)}: a later course at the same lesion replaces an earlier one")
            target.fields["prior_radiotherapy"] = dose
            target.field_refs["prior_radiotherapy"] = (ref(p), "mcode-radiotherapy-course-summary; " +
                                                       "; ".join(site.rules))
            self.put("history.prior_radiotherapy_same_site", True, p, "radiotherapy course at a lesion's site")
        for p, site in self.surgeries:
            target = self._match(drafts, site)
            if target is None:
                self.notes.append(f"{ref(p)}: surgery ({_text(p.get('code'))}) matches no lesion")
                continue
            target.fields["prior_surgery"] = True
            target.field_refs["prior_surgery"] = (ref(p), "mcode-cancer-related-surgical-procedure at the lesion")
        for c in getattr(self, "pending_fractures", []):
            site = self.site_of(c, c.get("bodySite") or [])
            target = self._match(drafts, site)
            if target is not None:
                target.fields.setdefault("extra", {})["pathological_fracture"] = True
                target.field_refs["extra"] = (ref(c), "pathological fracture at the lesion")
        used: set[str] = set()
        out: list[dict[str, Any]] = []
        for i, d in enumerate(drafts):
            s = d.site
            lid = self._lesion_id(s, used)
            lesion: dict[str, Any] = {"id": lid, "region": s.region}
            rules = "; ".join(s.rules) or "bodySite"
            self.fact(f"lesions.{i}.id", lid, d.resource, "lesion id from region, levels and side")
            self.fact(f"lesions.{i}.region", s.region, d.resource, rules, s.text)
            if s.levels:
                lesion["levels"] = s.levels
                self.fact(f"lesions.{i}.levels", s.levels, d.resource, "bodySite text: spinal levels", s.text)
            if s.side:
                lesion["side"] = s.side
                self.fact(f"lesions.{i}.side", s.side, d.resource, rules)
            if s.limb:
                lesion["limb"] = s.limb
                self.fact(f"lesions.{i}.limb", s.limb, d.resource, rules)
            if s.location:
                lesion["location"] = s.location
                self.fact(f"lesions.{i}.location", s.location, d.resource, rules)
            if s.structures:
                lesion["structures"] = s.structures
                self.fact(f"lesions.{i}.structures", s.structures, d.resource, rules, s.text)
            if d.local_recurrence:
                lesion["local_recurrence"] = True
                self.fact(f"lesions.{i}.local_recurrence", True, d.resource, "Condition.clinicalStatus recurrence")
            for key, value in d.fields.items():
                lesion[key] = value
                src, rule = d.field_refs.get(key, (d.resource, ""))
                self.fact(f"lesions.{i}.{key}", value, src, rule)
            out.append(lesion)
        if out:
            self.case["lesions"] = out
        bone = [d for d in drafts if d.metastasis and d.site.region not in ("soft_tissue", "lung", "other", None)]
        spinal = [d for d in bone if d.site.region in SPINAL_REGIONS]
        if bone:
            first = bone[0].resource
            note = "counted from the coded bone metastases (sacrum counts once); check against imaging"
            verts = sum(1 if d.site.region == "sacrum" else (len(d.site.levels) or 1) for d in spinal)
            self.put("disease.vertebral_body_metastases", verts, first, note)
            self.put("disease.extraspinal_bone_metastases", len(bone) - len(spinal), first, note)
            if len(bone) > 1 or self.bone_without_site:
                self.put("disease.skeletal_metastases", "multiple", first, note)
            else:
                self.notes.append("one bone lesion coded: 'solitary' is not assumed from the record")
        fractures = [d for d in drafts if (d.fields.get("extra") or {}).get("pathological_fracture")]
        if fractures:
            self.notes.append("pathological fracture at lesion " + ", ".join(
                str(out[drafts.index(d)]["id"]) for d in fractures))

    @staticmethod
    def _merge(drafts: list[LesionDraft]) -> list[LesionDraft]:
        out: list[LesionDraft] = []
        for d in drafts:
            same = next((o for o in out if o.site.region == d.site.region and o.site.levels == d.site.levels
                         and o.site.side == d.site.side and o.site.location == d.site.location), None)
            if same is None:
                out.append(d)
            elif d.local_recurrence:
                same.local_recurrence = True
        return out

    @staticmethod
    def _match(drafts: list[LesionDraft], site: Site) -> LesionDraft | None:
        best: LesionDraft | None = None
        for d in drafts:
            if d.site.region != site.region:
                continue
            if site.side and d.site.side and site.side != d.site.side and "bilateral" not in (site.side, d.site.side):
                continue
            if site.levels and d.site.levels and not set(site.levels) & set(d.site.levels):
                continue
            if best is None:
                best = d
        return best

    @staticmethod
    def _lesion_id(s: Site, used: set[str]) -> str:
        if s.levels:
            base = s.levels[0] if len(s.levels) == 1 else f"{s.levels[0]}-{s.levels[-1]}"
        else:
            base = str(s.region or "lesion").replace("_", "-")
            if s.side in ("left", "right"):
                base = f"{base}-{s.side}"
        lid, n = base, 2
        while lid in used:
            lid, n = f"{base}-{n}", n + 1
        used.add(lid)
        return lid


def read_bundle(data: dict[str, Any], *, reference_date: date | None = None) -> Extraction:
    """Read an R4 Bundle (mCODE STU4) into an ``Extraction``. ``reference_date`` is 'today' for ages and intervals.

    Raises ``FhirError`` naming the resource and element when the bundle is structurally invalid.
    """
    resources = validate_bundle(data)
    reader = Reader(resources, reference_date or datetime.now(UTC).date())
    reader.pending_fractures = []
    return reader.run()


def case_from_bundle(data: dict[str, Any], *, reference_date: date | None = None) -> Case:
    return read_bundle(data, reference_date=reference_date).case
