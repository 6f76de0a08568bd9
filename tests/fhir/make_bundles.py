"""Writes the synthetic mCODE STU4 test bundles in tests/fhir/bundles/ (run: python tests/fhir/make_bundles.py).

Invented patients: no real identifiers. Dates are relative to the tests' reference date, 2026-11-01. The JSON
files are committed; this script documents how they were made and regenerates them after a change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("bundles")
SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
UCUM = "http://unitsofmeasure.org"
MC = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right"), "bilateral": ("51440002", "Bilateral")}


def cc(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        out["text"] = text
    return out


class Bundle:
    def __init__(self, pid: str) -> None:
        self.pid = pid
        self.entries: list[dict[str, Any]] = []
        self.n = 0

    def add(self, res: dict[str, Any]) -> str:
        self.n += 1
        res.setdefault("id", f"{res['resourceType'].lower()}-{self.n}")
        self.entries.append({"fullUrl": f"urn:uuid:{self.pid}-{res['id']}", "resource": res})
        return f"{res['resourceType']}/{res['id']}"

    @property
    def subject(self) -> dict[str, str]:
        return {"reference": f"Patient/{self.pid}"}

    def patient(self, birth: str, gender: str) -> None:
        self.add({"resourceType": "Patient", "id": self.pid, "meta": {"profile": [MC + "mcode-cancer-patient"]},
                  "identifier": [{"system": "urn:oid:2.16.840.1.113883.19.5", "value": f"SYN-{self.pid}"}],
                  "name": [{"family": "Synthetic", "given": [self.pid]}], "gender": gender, "birthDate": birth})

    def site(self, code: tuple[str, str, str] | None, text: str | None, side: str | None = None) -> dict[str, Any]:
        bs: dict[str, Any] = cc(code[0], code[1], code[2]) if code else {}
        if text:
            bs["text"] = text
        if side:
            sc, sd = LATERALITY[side]
            bs["extension"] = [{"url": MC + "mcode-laterality-qualifier", "valueCodeableConcept": cc(SCT, sc, sd)}]
        return bs

    def primary(self, code: tuple[str, str, str], morph: tuple[str, str], onset: str, *,
                site: dict[str, Any] | None = None, status: str = "active", rid: str = "primary") -> str:
        res: dict[str, Any] = {
            "resourceType": "Condition", "id": rid, "meta": {"profile": [MC + "mcode-primary-cancer-condition"]},
            "extension": [{"url": MC + "mcode-histology-morphology-behavior",
                           "valueCodeableConcept": cc(ICDO3, morph[0], morph[1])}],
            "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", status, status),
            "verificationStatus": cc("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed",
                                     "Confirmed"),
            "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item",
                            "Problem List Item")],
            "code": cc(*code), "subject": self.subject, "onsetDateTime": onset,
        }
        if site:
            res["bodySite"] = [site]
        return self.add(res)

    def secondary(self, code: tuple[str, str, str], onset: str, site: dict[str, Any] | None = None,
                  rid: str | None = None) -> str:
        res: dict[str, Any] = {
            "resourceType": "Condition", "meta": {"profile": [MC + "mcode-secondary-cancer-condition"]},
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/condition-related",
                           "valueReference": {"reference": "Condition/primary"}}],
            "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
            "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item",
                            "Problem List Item")],
            "code": cc(*code), "subject": self.subject, "onsetDateTime": onset,
        }
        if rid:
            res["id"] = rid
        if site:
            res["bodySite"] = [site]
        return self.add(res)

    def condition(self, code: tuple[str, str, str], onset: str, site: dict[str, Any] | None = None) -> str:
        res: dict[str, Any] = {
            "resourceType": "Condition",
            "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
            "code": cc(*code), "subject": self.subject, "onsetDateTime": onset}
        if site:
            res["bodySite"] = [site]
        return self.add(res)

    def obs(self, code: tuple[str, str, str], when: str, profile: str | None = None, **value: Any) -> str:
        res: dict[str, Any] = {"resourceType": "Observation", "status": "final",
                               "category": [cc("http://terminology.hl7.org/CodeSystem/observation-category",
                                               "survey" if profile else "laboratory", "Survey"
                                               if profile else "Laboratory")],
                               "code": cc(*code), "subject": self.subject, "effectiveDateTime": when, **value}
        if profile:
            res["meta"] = {"profile": [MC + profile]}
        return self.add(res)

    def ecog(self, value: int, when: str) -> str:
        return self.obs((LOINC, "89247-1", "ECOG Performance Status score"), when, "mcode-ecog-performance-status",
                        valueInteger=value)

    def kps(self, value: int, when: str) -> str:
        return self.obs((LOINC, "89243-0", "Karnofsky Performance Status score"), when,
                        "mcode-karnofsky-performance-status", valueInteger=value)

    def lansky(self, value: int, when: str) -> str:
        return self.obs((NCIT, "C38144", "Lansky Performance Status"), when,
                        "mcode-lansky-play-performance-status", valueInteger=value)

    def lab(self, loinc: str, display: str, value: float, unit: str, when: str) -> str:
        return self.obs((LOINC, loinc, display), when,
                        valueQuantity={"value": value, "unit": unit, "system": UCUM, "code": unit})

    def status(self, code: str, display: str, when: str) -> str:
        return self.obs((LOINC, "97509-4", "Cancer disease status"), when, "mcode-cancer-disease-status",
                        valueCodeableConcept=cc(SCT, code, display),
                        focus=[{"reference": "Condition/primary"}])

    def rt(self, site: dict[str, Any], dose_cgy: float, fractions: int, start: str, end: str,
           intent: str = "363676003") -> str:
        vol = self.add({"resourceType": "BodyStructure",
                        "meta": {"profile": [MC + "mcode-radiotherapy-volume"]},
                        "description": site.get("text", "treatment volume"),
                        "location": {k: v for k, v in site.items() if k != "extension"} or {"text": "volume"},
                        "patient": self.subject})
        return self.add({
            "resourceType": "Procedure", "meta": {"profile": [MC + "mcode-radiotherapy-course-summary"]},
            "extension": [
                {"url": MC + "mcode-procedure-intent", "valueCodeableConcept": cc(SCT, intent, "Palliative - "
                 "procedure intent" if intent == "363676003" else "Curative - procedure intent")},
                {"url": MC + "mcode-radiotherapy-sessions", "valueUnsignedInt": fractions},
                {"url": MC + "mcode-radiotherapy-dose-delivered-to-volume", "extension": [
                    {"url": "volume", "valueReference": {"reference": vol}},
                    {"url": "totalDoseDelivered", "valueQuantity": {"value": dose_cgy, "unit": "cGy", "system": UCUM,
                                                                    "code": "cGy"}},
                    {"url": "fractionsDelivered", "valueUnsignedInt": fractions}]},
            ],
            "status": "completed", "category": cc(SCT, "108290001", "Radiation oncology AND/OR radiotherapy"),
            "code": cc(SCT, "1217123003", "Radiotherapy course of treatment"), "subject": self.subject,
            "performedPeriod": {"start": start, "end": end}, "bodySite": [site],
            "reasonReference": [{"reference": "Condition/primary"}]})

    def surgery(self, code: tuple[str, str, str], when: str, site: dict[str, Any]) -> str:
        return self.add({
            "resourceType": "Procedure", "meta": {"profile": [MC + "mcode-cancer-related-surgical-procedure"]},
            "status": "completed", "category": cc(SCT, "387713003", "Surgical procedure"), "code": cc(*code),
            "subject": self.subject, "performedDateTime": when, "bodySite": [site],
            "reasonReference": [{"reference": "Condition/primary"}]})

    def med(self, rxnorm: str | None, name: str, when: str, *, kind: str = "MedicationRequest",
            status: str | None = None) -> str:
        concept: dict[str, Any] = cc(RXNORM, rxnorm, name) if rxnorm else {"text": name}
        if kind == "MedicationRequest":
            profile = MC + "mcode-cancer-related-medication-request"
            return self.add({"resourceType": kind, "meta": {"profile": [profile]},
                             "status": status or "completed", "intent": "order", "medicationCodeableConcept": concept,
                             "subject": self.subject, "authoredOn": when,
                             "reasonReference": [{"reference": "Condition/primary"}]})
        return self.add({"resourceType": kind,
                         "meta": {"profile": [MC + "mcode-cancer-related-medication-administration"]},
                         "status": status or "completed", "medicationCodeableConcept": concept,
                         "subject": self.subject, "effectiveDateTime": when,
                         "reasonReference": [{"reference": "Condition/primary"}]})

    def write(self, name: str) -> None:
        data = {"resourceType": "Bundle", "id": name, "meta": {"profile": [MC + "mcode-patient-bundle"]},
                "type": "collection", "timestamp": "2026-11-01T09:00:00Z", "entry": self.entries}
        (OUT / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


THORACIC = (SCT, "122495006", "Thoracic spine structure")
LUMBAR = (SCT, "122496007", "Lumbar spine structure")
CERVICAL = (SCT, "122494005", "Cervical spine structure")
SACRUM = (SCT, "54735007", "Sacrum structure")
PELVIS = (SCT, "12921003", "Pelvis structure")
FEMUR = (SCT, "71341001", "Bone structure of femur")
HUMERUS = (SCT, "85050009", "Bone structure of humerus")
BONE_MET = (ICD10, "C79.51", "Secondary malignant neoplasm of bone")
BONE_MET_SCT = (SCT, "94222008", "Secondary malignant neoplasm of bone")
LUNG_MET = (ICD10, "C78.01", "Secondary malignant neoplasm of right lung")
WORSE = ("271299001", "Patient's condition worsened")
STABLE = ("359746009", "Patient's condition stable")
IMPROVED = ("268910001", "Patient's condition improved")


def spine_rcc() -> None:
    b = Bundle("p01")
    b.patient("1962-03-14", "male")
    b.primary((ICD10, "C64.1", "Malignant neoplasm of right kidney, except renal pelvis"),
              ("8310/3", "Clear cell adenocarcinoma, NOS"), "2023-06-02")
    b.secondary(BONE_MET, "2026-09-20", b.site(THORACIC, "T9 vertebral body and right pedicle", "right"), "met-t9")
    b.secondary(LUNG_MET, "2025-01-10")
    b.ecog(2, "2026-06-01")
    b.ecog(1, "2026-10-28")
    b.kps(80, "2026-10-28")
    b.lab("1751-7", "Albumin [Mass/volume] in Serum or Plasma", 38, "g/L", "2026-10-27")
    b.lab("718-7", "Hemoglobin [Mass/volume] in Blood", 12.1, "g/dL", "2026-10-27")
    b.lab("2000-8", "Calcium [Moles/volume] in Serum or Plasma", 2.45, "mmol/L", "2026-10-27")
    b.med("357977", "sunitinib 50 MG Oral Capsule", "2025-02-01")
    b.med("77655", "zoledronic acid 4 MG Injection", "2026-10-01")
    b.status(*WORSE, "2026-10-28")
    b.write("spine-rcc-t9")


def spine_breast() -> None:
    b = Bundle("p02")
    b.patient("1974-08-30", "female")
    b.primary((SCT, "254837009", "Malignant neoplasm of breast"), ("8500/3", "Infiltrating duct carcinoma, NOS"),
              "2019-04-15")
    b.secondary(BONE_MET_SCT, "2025-12-01", b.site(LUMBAR, "L2-L3 vertebral bodies"))
    b.secondary(BONE_MET_SCT, "2026-08-01", b.site(THORACIC, "T6 vertebra"))
    b.secondary(BONE_MET_SCT, "2026-08-01", b.site(FEMUR, "left femoral shaft", "left"))
    b.rt(b.site(LUMBAR, "L2-L3"), 2000, 5, "2026-02-23", "2026-02-27")
    b.med("10324", "tamoxifen 20 MG Oral Tablet", "2019-09-01")
    b.med("72965", "letrozole 2.5 MG Oral Tablet", "2026-01-10", status="active")
    b.med("993449", "denosumab 120 MG/1.7ML Injection", "2026-01-10", status="active")
    b.ecog(1, "2026-10-20")
    b.kps(70, "2026-10-20")
    b.status(*STABLE, "2026-10-20")
    b.write("spine-breast-multilevel")


def sacrum_sts() -> None:
    b = Bundle("p03")
    b.patient("1968-05-11", "female")
    b.primary((ICD10, "C49.21", "Malignant neoplasm of connective and soft tissue of right lower limb, including hip"),
              ("8890/3", "Leiomyosarcoma, NOS"), "2024-05-01",
              site=b.site((SCT, "68367000", "Thigh structure"), "right thigh", "right"), status="remission")
    b.secondary(BONE_MET, "2026-10-01", b.site(SACRUM, "S1-S3 right sacral ala, neuroforamina", "right"), "met-sacrum")
    b.secondary(LUNG_MET, "2026-10-01")
    b.surgery((SCT, "38102005", "Excision of lesion of soft tissue"), "2024-06-12",
              b.site((SCT, "68367000", "Thigh structure"), "right thigh", "right"))
    b.med("3639", "doxorubicin hydrochloride 2 MG/ML Injectable Solution", "2026-10-15",
          kind="MedicationAdministration")
    b.ecog(1, "2026-10-14")
    b.status(*WORSE, "2026-10-14")
    b.write("sacrum-sts")


def sacrum_chordoma() -> None:
    b = Bundle("p04")
    b.patient("1959-01-20", "male")
    b.primary((ICD10, "C41.4", "Malignant neoplasm of pelvic bones, sacrum and coccyx"), ("9370/3", "Chordoma, NOS"),
              "2021-03-01", site=b.site(SACRUM, "S2-S4 sacrum, midline"), status="recurrence")
    b.surgery((SCT, "34489002", "Sacrectomy"), "2021-05-10", b.site(SACRUM, "sacrum S2-S5"))
    b.rt(b.site(SACRUM, "S2-S4 sacrum"), 7000, 35, "2021-07-01", "2021-08-20", intent="373808002")
    b.ecog(1, "2026-10-05")
    b.kps(80, "2026-10-05")
    b.write("sacrum-chordoma")


def pelvis_prostate() -> None:
    b = Bundle("p05")
    b.patient("1955-02-02", "male")
    b.primary((SCT, "399068003", "Malignant tumor of prostate"), ("8140/3", "Adenocarcinoma, NOS"), "2018-10-01")
    b.secondary(BONE_MET, "2026-07-01", b.site(PELVIS, "right acetabulum, periacetabular", "right"))
    b.secondary(BONE_MET, "2026-07-01", b.site((SCT, "22356005", "Bone structure of ilium"), "left iliac wing",
                                                "left"))
    b.secondary(BONE_MET, "2026-07-01", b.site(LUMBAR, "L5 vertebral body"))
    b.med("1100072", "enzalutamide 40 MG Oral Capsule", "2026-07-15", status="active")
    b.med("993449", "denosumab 120 MG/1.7ML Injection", "2026-07-15", status="active")
    b.ecog(2, "2026-10-12")
    b.kps(60, "2026-10-12")
    b.lab("2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma", 310, "U/L", "2026-10-10")
    b.lab("59260-0", "Hemoglobin [Moles/volume] in Blood", 6.8, "mmol/L", "2026-10-10")
    b.lab("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", 24, "mg/L", "2026-10-10")
    b.status(*WORSE, "2026-10-12")
    b.write("pelvis-prostate")


def pelvis_lung() -> None:
    b = Bundle("p06")
    b.patient("1966-09-09", "female")
    b.primary((ICD10, "C34.11", "Malignant neoplasm of upper lobe, right bronchus or lung"),
              ("8140/3", "Adenocarcinoma, NOS"), "2025-11-20")
    b.secondary(BONE_MET, "2026-09-01", b.site((ICDO3, "C41.4", "Pelvic bones, sacrum, coccyx"),
                                                "right ilium, supra-acetabular", "right"))
    b.secondary((ICD10, "C79.31", "Secondary malignant neoplasm of brain"), "2026-09-01")
    b.secondary((ICD10, "C79.72", "Secondary malignant neoplasm of left adrenal gland"), "2026-09-01")
    b.med("1547545", "pembrolizumab 25 MG/ML Injectable Solution", "2025-12-15", kind="MedicationAdministration")
    b.med("40048", "carboplatin 10 MG/ML Injectable Solution", "2025-12-15", kind="MedicationAdministration")
    b.ecog(2, "2026-10-01")
    b.lab("1751-7", "Albumin [Mass/volume] in Serum or Plasma", 3.1, "g/dL", "2026-09-30")
    b.write("pelvis-lung")


def femur_breast() -> None:
    b = Bundle("p07")
    b.patient("1971-12-01", "female")
    b.primary((ICD10, "C50.411", "Malignant neoplasm of upper-outer quadrant of right female breast"),
              ("8500/3", "Infiltrating duct carcinoma, NOS"), "2020-02-14")
    femur = b.site(FEMUR, "right proximal femur, intertrochanteric", "right")
    b.secondary(BONE_MET, "2026-10-10", femur, "met-femur")
    b.condition((ICD10, "M84.551A", "Pathological fracture in neoplastic disease, right femur, initial encounter"),
                "2026-10-25", femur)
    b.med("77655", "zoledronic acid 4 MG Injection", "2026-10-12")
    b.med("56946", "paclitaxel 6 MG/ML Injectable Solution", "2022-01-01", kind="MedicationAdministration")
    b.ecog(2, "2026-10-26")
    b.write("femur-breast")


def humerus_myeloma() -> None:
    b = Bundle("p08")
    b.patient("1960-06-18", "male")
    b.primary((ICD10, "C90.00", "Multiple myeloma not having achieved remission"),
              ("9732/3", "Multiple myeloma"), "2025-08-01")
    b.secondary(BONE_MET, "2025-08-01", b.site(HUMERUS, "left proximal humerus", "left"))
    b.secondary(BONE_MET, "2025-08-01", b.site(THORACIC, "T12 vertebral body"))
    b.med("358258", "bortezomib 3.5 MG Injection", "2025-08-15", kind="MedicationAdministration")
    b.med("3264", "dexamethasone 4 MG Oral Tablet", "2025-08-15")
    b.ecog(1, "2026-10-02")
    b.lab("14682-9", "Creatinine [Moles/volume] in Serum or Plasma", 150, "umol/L", "2026-10-01")
    b.lab("17861-6", "Calcium [Mass/volume] in Serum or Plasma", 11.2, "mg/dL", "2026-10-01")
    b.lab("777-3", "Platelets [#/volume] in Blood by Automated count", 142, "10*3/uL", "2026-10-01")
    b.write("humerus-myeloma")


def synovial_lung() -> None:
    b = Bundle("p09")
    b.patient("1992-04-04", "female")
    b.primary((ICD10, "C49.22", "Malignant neoplasm of connective and soft tissue of left lower limb, including hip"),
              ("9040/3", "Synovial sarcoma, NOS"), "2023-09-01", status="remission")
    b.secondary(LUNG_MET, "2025-11-01")
    b.med("3639", "doxorubicin 2 MG/ML Injectable Solution", "2025-11-20", kind="MedicationAdministration")
    b.med("5657", "ifosfamide 1000 MG Injection", "2025-11-20", kind="MedicationAdministration")
    b.med("714438", "pazopanib 200 MG Oral Tablet", "2026-06-01", status="active")
    b.ecog(0, "2026-10-18")
    b.status(*WORSE, "2026-10-18")
    b.write("sarcoma-synovial-lung")


def retroperitoneal() -> None:
    b = Bundle("p10")
    b.patient("1965-07-07", "male")
    b.primary((ICD10, "C48.0", "Malignant neoplasm of retroperitoneum"),
              ("8858/3", "Dedifferentiated liposarcoma"), "2022-02-01",
              site=b.site((ICDO3, "C48.0", "Retroperitoneum"), "left retroperitoneum", "left"), status="recurrence")
    b.surgery((SCT, "443425000", "Excision of retroperitoneal tumor"), "2022-03-15",
              b.site((ICDO3, "C48.0", "Retroperitoneum"), "left retroperitoneum", "left"))
    b.med(None, "Trabectedin 1 mg powder for concentrate", "2026-04-01", kind="MedicationAdministration")
    b.med("3639", "doxorubicin 2 MG/ML Injectable Solution", "2025-06-01", kind="MedicationAdministration")
    b.med("12574", "gemcitabine 1 GM Injection", "2020-01-01", status="entered-in-error")
    b.ecog(1, "2026-10-22")
    b.kps(80, "2026-10-22")
    b.status(*WORSE, "2026-10-22")
    b.write("sarcoma-retroperitoneal-ddlps")


def paediatric_rms() -> None:
    b = Bundle("p11")
    b.patient("2017-03-03", "male")
    b.primary((ICD10, "C49.12", "Malignant neoplasm of connective and soft tissue of left upper limb, including "
               "shoulder"), ("8920/3", "Alveolar rhabdomyosarcoma"), "2026-03-10",
              site=b.site((ICDO3, "C49.1", "Connective tissue of upper limb"), "left forearm", "left"))
    b.secondary(BONE_MET, "2026-03-20", b.site(LUMBAR, "L4 vertebra"))
    b.secondary(BONE_MET, "2026-03-20", b.site(PELVIS, "right iliac crest", "right"))
    for drug, code in (("vincristine", "11202"), ("dactinomycin", "1946"), ("cyclophosphamide", "3002")):
        b.med(code, f"{drug} injection", "2026-04-01", kind="MedicationAdministration")
    b.lansky(70, "2026-10-15")
    b.obs((LOINC, "29463-7", "Body weight"), "2026-10-15", valueQuantity={"value": 28.4, "unit": "kg",
                                                                         "system": UCUM, "code": "kg"})
    b.write("paediatric-rms")


def paediatric_ewing() -> None:
    b = Bundle("p12")
    b.patient("2012-10-30", "female")
    b.primary((ICD10, "C40.22", "Malignant neoplasm of long bones of left lower limb"),
              ("9260/3", "Ewing sarcoma"), "2026-01-15",
              site=b.site(FEMUR, "left femoral diaphysis", "left"))
    b.secondary(LUNG_MET, "2026-01-20")
    b.secondary(BONE_MET, "2026-09-30", b.site(THORACIC, "T11 vertebral body"))
    for drug, code in (("vincristine", "11202"), ("doxorubicin", "3639"), ("cyclophosphamide", "3002"),
                       ("ifosfamide", "5657"), ("etoposide", "4179")):
        b.med(code, f"{drug} injection", "2026-02-01", kind="MedicationAdministration")
    b.lansky(80, "2026-10-20")
    b.ecog(1, "2026-10-20")
    b.write("paediatric-ewing")


def mscc_lung() -> None:
    b = Bundle("p13")
    b.patient("1958-11-11", "male")
    b.primary((SCT, "363358000", "Malignant tumor of lung"), ("8070/3", "Squamous cell carcinoma, NOS"), "2026-05-01")
    b.secondary(BONE_MET, "2026-10-29", b.site(THORACIC, "T4-T5 with epidural extension"))
    b.condition((ICD10, "G95.20", "Unspecified cord compression"), "2026-10-30")
    b.ecog(3, "2026-10-30")
    b.lab("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", 1.1, "mg/dL", "2026-10-30")
    b.lab("1751-7", "Albumin [Mass/volume] in Serum or Plasma", 31, "g/L", "2026-10-30")
    b.obs((LOINC, "8867-4", "Heart rate"), "2026-10-30", valueQuantity={"value": 88, "unit": "/min",
                                                                       "system": UCUM, "code": "/min"})
    b.write("spine-mscc-lung")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for make in (spine_rcc, spine_breast, sacrum_sts, sacrum_chordoma, pelvis_prostate, pelvis_lung, femur_breast,
                 humerus_myeloma, synovial_lung, retroperitoneal, paediatric_rms, paediatric_ewing, mscc_lung):
        make()
