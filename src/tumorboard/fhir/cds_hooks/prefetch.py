"""Prefetch: the data a hook needs, from the request's ``prefetch`` or fetched from ``fhirServer``.

A template the client did not satisfy (key absent or null) is fetched from the FHIR server with the access token
the client sent; without ``fhirAuthorization`` the service answers 412. The token is used for these requests only:
it is never logged, stored or put in an error message. Only URLs under ``fhirServer`` are ever requested (a
``next`` link elsewhere is refused).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

PATIENT_VIEW = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "ecog": "Observation?patient={{context.patientId}}&code=http://loinc.org|89247-1&_sort=-date&_count=1",
    "karnofsky": "Observation?patient={{context.patientId}}&code=http://loinc.org|89243-0&_sort=-date&_count=1",
    "procedures": "Procedure?patient={{context.patientId}}",
    "medications": "MedicationRequest?patient={{context.patientId}}",
}
ORDER_SELECT = PATIENT_VIEW
TOKEN = re.compile(r"\{\{\s*([A-Za-z.]+)\s*\}\}")
SAFE_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


class PrefetchMissing(Exception):
    """Templates not satisfied and no way to fetch them (HTTP 412)."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(f"prefetch missing and no fhirAuthorization to fetch it: {', '.join(keys)}")
        self.keys = keys


class FetchError(Exception):
    """The FHIR server did not answer usefully (HTTP 502 to the client); the message never holds the token."""


def render(template: str, context: dict[str, Any], user: str | None) -> str:
    """Fill the prefetch tokens of a template; ids must be plain FHIR ids (no query injection)."""

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        raw: Any = None
        if name.startswith("context."):
            raw = context.get(name[len("context."):])
        elif name.startswith("user") and user and "/" in user:
            kind, ident = user.split("/", 1)
            raw = ident if name == f"user{kind}Id" else None
        if not isinstance(raw, str) or not SAFE_ID.match(raw):
            raise ValueError(f"prefetch token {name} has no usable value")
        return raw

    return TOKEN.sub(value, template)


def resources_of(value: Any) -> list[dict[str, Any]]:
    """The resources of a prefetch value: a resource, or a (searchset) Bundle of them, minus OperationOutcomes."""
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        out = []
        for e in value.get("entry") or []:
            res = e.get("resource") if isinstance(e, dict) else None
            if isinstance(res, dict) and res.get("resourceType") not in (None, "OperationOutcome"):
                out.append(res)
        return out
    return [value] if value.get("resourceType") not in (None, "OperationOutcome") else []


async def resolve(
    templates: dict[str, str], body: dict[str, Any], client: httpx.AsyncClient, *, max_pages: int = 5,
) -> tuple[dict[str, Any], list[str]]:
    """Every template's data (key -> resource or Bundle) and the keys that had to be fetched."""
    given = body.get("prefetch") or {}
    missing = [k for k in templates if given.get(k) is None]
    if not missing:
        return dict(given), []
    server = body.get("fhirServer")
    auth = body.get("fhirAuthorization") or {}
    token = auth.get("access_token") if isinstance(auth, dict) else None
    if not server or not token:
        raise PrefetchMissing(missing)
    base = str(server).rstrip("/")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}
    out = dict(given)
    context = body.get("context") or {}
    for key in missing:
        try:
            path = render(templates[key], context, context.get("userId"))
        except ValueError as exc:
            raise FetchError(str(exc)) from None
        out[key] = await _get_all(client, base, f"{base}/{path}", headers, max_pages)
    return out, missing


async def _get_all(client: httpx.AsyncClient, base: str, url: str, headers: dict[str, str],
                   max_pages: int) -> dict[str, Any]:
    first: dict[str, Any] | None = None
    pages = 0
    while url and pages < max_pages:
        if not (url == base or url.startswith(base + "/") or url.startswith(base + "?")):
            raise FetchError("a paging link points outside fhirServer")
        try:
            response = await client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise FetchError(f"FHIR server request failed ({type(exc).__name__})") from None
        if response.status_code == 404 and first is None:
            return {"resourceType": "Bundle", "type": "searchset", "entry": []}
        if response.status_code >= 400:
            raise FetchError(f"FHIR server answered {response.status_code} for {url.split('?')[0]}")
        try:
            data = response.json()
        except ValueError:
            raise FetchError("FHIR server answered with something other than JSON") from None
        if not isinstance(data, dict):
            raise FetchError("FHIR server answered with something other than a resource")
        pages += 1
        if first is None:
            first = data
        elif data.get("resourceType") == "Bundle":
            first.setdefault("entry", []).extend(data.get("entry") or [])
        if data.get("resourceType") != "Bundle":
            break
        url = next((str(link.get("url")) for link in data.get("link") or [] if link.get("relation") == "next"), "")
    return first or {}


def as_bundle(prefetched: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One collection Bundle of every prefetched resource (deduplicated by type and id), for the reader."""
    seen: set[str] = set()
    entries: list[dict[str, Any]] = []
    for value in [*prefetched.values(), *(extra or [])]:
        for res in resources_of(value):
            key = f"{res.get('resourceType')}/{res.get('id')}"
            if res.get("id") and key in seen:
                continue
            seen.add(key)
            entries.append({"resource": res})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
