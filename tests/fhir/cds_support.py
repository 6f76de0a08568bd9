"""Helpers of the CDS Hooks tests: signing keys and tokens, prefetch built from a test bundle, a fixed plan."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI

from tests.fhir.conftest import REF, bundle
from tumorboard.fhir.cds_hooks import CdsConfig, create_router
from tumorboard.fhir.cds_hooks.feedback import MemoryFeedback
from tumorboard.model.case import Case
from tumorboard.model.result import Evidence, KnowledgeBaseInfo, Option, Plan, ReferenceOut, Result
from tumorboard.scores import compute_all

SCHEMAS = Path(__file__).with_name("schemas")
ISS = "https://ehr.example.org"
BASE = "http://testserver"
EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict[str, Any]:
    ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key()))
    rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    ec_jwk.update(kid="ec-1", use="sig", alg="ES384")
    rsa_jwk.update(kid="rsa-1", use="sig", alg="RS384")
    return {"keys": [ec_jwk, rsa_jwk]}


def config(**more: Any) -> CdsConfig:
    return CdsConfig.from_data({"issuers": {ISS: {"jwks": jwks()}}, **more})


def token(aud: str, *, alg: str = "ES384", iss: str = ISS, exp: float | None = None, jti: str | None = None,
          kid: str | None = None, key: Any = None, extra_headers: dict[str, Any] | None = None) -> str:
    now = int(time.time())
    claims = {"iss": iss, "aud": aud, "iat": now, "exp": int(exp if exp is not None else now + 300),
              "jti": jti or str(uuid.uuid4())}
    if key is None:
        key = EC_KEY if alg.startswith("ES") else RSA_KEY
    headers = {"typ": "JWT", "kid": kid or ("ec-1" if alg.startswith("ES") else "rsa-1"), **(extra_headers or {})}
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": f"https://ehr.example.org/fhir/{r['resourceType']}/{r['id']}", "resource": r,
                       "search": {"mode": "match"}} for r in resources]}


def prefetch_for(name: str) -> dict[str, Any]:
    """The patient-view prefetch an EHR would send for a test bundle."""
    res = [e["resource"] for e in bundle(name)["entry"]]

    def of(kind: str, loinc: str | None = None) -> list[dict[str, Any]]:
        out = [r for r in res if r["resourceType"] == kind]
        if loinc:
            out = [r for r in out if r["code"]["coding"][0]["code"] == loinc]
        return out

    patient = of("Patient")[0]
    return {
        "patient": patient,
        "conditions": searchset(of("Condition")),
        "ecog": searchset(sorted(of("Observation", "89247-1"), key=lambda r: r["effectiveDateTime"])[-1:]),
        "karnofsky": searchset(of("Observation", "89243-0")[-1:]),
        "procedures": searchset(of("Procedure")),
        "medications": searchset(of("MedicationRequest")),
    }


def hook_request(hook: str, patient: str, prefetch: dict[str, Any] | None, **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"hook": hook, "hookInstance": str(uuid.uuid4()),
                            "context": {"userId": "Practitioner/dr-1", "patientId": patient}}
    if prefetch is not None:
        body["prefetch"] = prefetch
    body.update(more)
    return body


REFERENCES = [
    ReferenceOut(id="lawton-2017-noms", pmid="28600420", doi="10.1634/theoncologist.2016-0473",
                 citation="Laufer I, et al. The NOMS framework. Oncologist 2013", year=2013, type="review",
                 verified=True),
    ReferenceOut(id="astro-2024-bone", citation="Alcorn S, et al. ASTRO guideline: external beam radiation "
                 "therapy for symptomatic bone metastases. Pract Radiat Oncol 2024", year=2024, type="guideline",
                 doi="10.1016/j.prro.2024.04.018", verified=True),
]


def option(statement: str, modality: str, rank: int | None = None, **more: Any) -> Option:
    return Option(statement=statement, title=more.pop("title", modality.replace("_", " ")), modality=modality,
                  rank=rank, recommendation=more.pop("recommendation", f"Consider {modality}."),
                  strength=more.pop("strength", "strong"), evidence=Evidence(scheme="GRADE", level="moderate"),
                  references=more.pop("references", ["astro-2024-bone"]), **more)


def fixed_assess(case: Case) -> Result:
    """Scores from the real calculators plus a fixed, knowledge-base-shaped plan (the engine is tested elsewhere)."""
    lesion = case.lesions[0].id if case.lesions else None
    warnings = []
    if case.neurology.myelopathy:
        warnings.append(option("mscc-urgent-decompression", "urgent_spine_surgical_consultation",
                               title="Cord compression with a neurological deficit: same-day spine surgery review",
                               lesion=lesion, section="urgent", references=["lawton-2017-noms"]))
    plan = Plan(
        options=[option("bone-met-cebrt", "cebrt", 1, lesion=lesion, title="Palliative radiotherapy 8 Gy/1"),
                 option("bma-skeletal-events", "bone_modifying_agent", 2, title="Bone-modifying agent",
                        strength="conditional")],
        avoid=[option("no-vertebroplasty-escc", "vertebral_augmentation", lesion=lesion, strength="not_recommended",
                      title="Vertebral augmentation", reason="epidural disease: cement leak risk")],
        warnings=warnings,
    )
    return Result(case_id=case.id, engine_version="test", knowledge_base=KnowledgeBaseInfo(version="test-kb"),
                  scores=compute_all(case), plan=plan, references=REFERENCES)


def app_with(cfg: CdsConfig | None = None, **kwargs: Any) -> tuple[FastAPI, MemoryFeedback]:
    store = kwargs.pop("feedback", None) or MemoryFeedback()
    app = FastAPI()
    app.include_router(create_router(cfg if cfg is not None else CdsConfig(), assess=kwargs.pop("assess", fixed_assess),
                                     feedback=store, reference_date=lambda: REF, **kwargs))
    return app, store
