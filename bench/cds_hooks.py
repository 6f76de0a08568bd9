"""Benchmark: CDS Hooks ``patient-view`` for the demo patient, in process through the ASGI stack (target: p95 under
500 ms, the CDS Hooks guidance). The demo patient is tests/fhir/bundles/sacrum-sts.json sent as a full prefetch;
the real engine and knowledge base assess it. Also measured: the same call with client JWT authentication on, and
``order-select`` with three draft orders.

Run: .venv/bin/python bench/cds_hooks.py [runs]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_MS = 500.0
PV = "/cds-services/tumorboard-patient-view"
OS = "/cds-services/tumorboard-order-select"


def _stats(samples: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples, n=20)
    return statistics.median(samples), q[18], max(samples)


async def _measure(app: Any, path: str, make_body: Any, runs: int, headers: Any = None) -> list[float]:
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for _ in range(10):  # warm-up: imports, knowledge-base load and caches
            r = await client.post(path, json=make_body(), headers=headers() if headers else None)
            assert r.status_code == 200, r.text
        samples = []
        for _ in range(runs):
            body = make_body()
            h = headers() if headers else None
            t0 = time.perf_counter()
            r = await client.post(path, json=body, headers=h)
            samples.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
    return samples


def main(runs: int = 200) -> int:
    from fastapi import FastAPI
    from tests.fhir import cds_support as s
    from tests.fhir.test_cds_hooks import draft_orders

    from tumorboard.fhir.cds_hooks import CdsConfig, create_router

    def pv_body() -> dict[str, Any]:
        return s.hook_request("patient-view", "p03", s.prefetch_for("sacrum-sts"))

    def os_body() -> dict[str, Any]:
        body = s.hook_request("order-select", "p03", s.prefetch_for("sacrum-sts"))
        body["context"].update(selections=["ServiceRequest/vp-1", "MedicationRequest/zol-1", "ServiceRequest/rt-1"],
                               draftOrders=draft_orders())
        return body

    open_app = FastAPI()
    open_app.include_router(create_router(CdsConfig()))
    auth_app = FastAPI()
    auth_app.include_router(create_router(s.config()))
    rows = []
    t0 = time.perf_counter()
    first = asyncio.run(_measure(open_app, PV, pv_body, 1))
    del first
    print(f"first call incl. warm-up of 10: {(time.perf_counter() - t0) * 1000:.0f} ms")
    for label, app, path, body, headers in (
        ("patient-view, demo patient (sacrum-sts)", open_app, PV, pv_body, None),
        ("patient-view, with ES384 client JWT", auth_app, PV, pv_body,
         lambda: {"Authorization": "Bearer " + s.token("http://testserver" + PV)}),
        ("order-select, 3 draft orders", open_app, OS, os_body, None),
    ):
        med, p95, worst = _stats(asyncio.run(_measure(app, path, body, runs, headers)))
        rows.append((label, med, p95, worst))
        print(f"{label:42s} median {med:6.1f} ms  p95 {p95:6.1f} ms  max {worst:6.1f} ms")
    import os

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = all(p95 < TARGET_MS for _, _, p95, _ in rows)
    print(f"p95 target < {TARGET_MS:.0f} ms: {'ok' if ok else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
