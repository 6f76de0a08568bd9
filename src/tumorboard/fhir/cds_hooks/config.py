"""Operator configuration of the CDS Hooks service: trusted client issuers with their JWK sets, public URLs.

Read from the file named by ``TUMORBOARD_CDS_CONFIG`` (JSON or YAML) or from ``TUMORBOARD_CDS_ISSUERS`` (JSON):

```yaml
base_url: https://cds.example.org          # the public URL the EHR calls (the JWT audience is built from it)
report_url: https://tumorboard.example.org/assessments/{id}   # web report of a stored assessment
issuers:
  https://ehr.example.org:                  # allowed `iss`
    jwks: {keys: [...]}                     # its public keys, exchanged out of band, or
    jwks_file: /etc/tumorboard/ehr.jwks.json
    jku: [https://ehr.example.org/.well-known/jwks.json]   # allowed JWK Set URLs (fetched only when listed)
```

With no issuer configured, client authentication is off: acceptable in development only, and the discovery
response and every card say so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_FILE = "TUMORBOARD_CDS_CONFIG"
ENV_ISSUERS = "TUMORBOARD_CDS_ISSUERS"


@dataclass(frozen=True)
class Issuer:
    iss: str
    jwks: dict[str, Any] | None = None
    jku: tuple[str, ...] = ()


@dataclass(frozen=True)
class CdsConfig:
    issuers: dict[str, Issuer] = field(default_factory=dict)
    base_url: str | None = None
    report_url: str | None = None
    fhir_timeout_s: float = 3.0
    max_pages: int = 5
    allow_http_fhir: bool = True

    @property
    def auth_enabled(self) -> bool:
        return bool(self.issuers)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CdsConfig:
        issuers: dict[str, Issuer] = {}
        for iss, spec in (data.get("issuers") or {}).items():
            spec = spec or {}
            jwks = spec.get("jwks")
            if spec.get("jwks_file"):
                jwks = json.loads(Path(spec["jwks_file"]).read_text(encoding="utf-8"))
            jku = spec.get("jku") or []
            issuers[str(iss)] = Issuer(str(iss), jwks, tuple(jku if isinstance(jku, list) else [jku]))
        return cls(issuers=issuers, base_url=data.get("base_url"), report_url=data.get("report_url"),
                   fhir_timeout_s=float(data.get("fhir_timeout_s", 3.0)), max_pages=int(data.get("max_pages", 5)),
                   allow_http_fhir=bool(data.get("allow_http_fhir", True)))

    @classmethod
    def from_env(cls) -> CdsConfig:
        path = os.environ.get(ENV_FILE, "").strip()
        if path:
            text = Path(path).read_text(encoding="utf-8")
            if path.endswith((".yaml", ".yml")):
                import yaml

                return cls.from_data(yaml.safe_load(text) or {})
            return cls.from_data(json.loads(text))
        issuers = os.environ.get(ENV_ISSUERS, "").strip()
        if issuers:
            return cls.from_data({"issuers": json.loads(issuers)})
        return cls()
