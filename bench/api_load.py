"""Load benchmark of the HTTP API with wrk on 127.0.0.1 (issue 7).

1. Start ``tumorboard serve`` on a fresh SQLite store; time /healthz and /readyz from process start.
2. Sustained: POST /v1/assess with the demo case at 200 requests/s on a fixed schedule (open loop: wrk's delay()
   aims each request at its due time, so slow responses do not lower the offered rate) over 16 connections, for a
   bounded duration; latency percentiles from wrk; then every 2xx must have its assessment row and audit event
   committed, and the audit chain must verify.
3. Peak: POST /v1/assess closed-loop, and a trivial FastAPI endpoint (a bare app, one uvicorn worker) in the same run.

Usage: .venv/bin/python bench/api_load.py [--sustained-seconds 20] [--peak-seconds 10] [--rate 200]
Prints a JSON summary and a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, timeout: float = 60.0, ok: tuple[int, ...] = (200,)) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status in ok:
                    return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def wrk(url: str, script: Path, seconds: int, connections: int, threads: int = 2) -> dict[str, float]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    res: dict[str, float] = {"raw": 0.0}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    assert m, out
    res["requests"] = float(m.group(1))
    res["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = float(non2xx.group(1)) if non2xx else 0.0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = float(sum(int(x) for x in errors.groups())) if errors else 0.0
    for pct in ("50", "90", "99"):
        mm = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out)
        if mm:
            value = float(mm.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[mm.group(2)]
            res[f"p{pct}_ms"] = round(value, 2)
    return res


def lua(body_file: Path, rate_per_thread: float | None, unique: bool = False) -> str:
    """A wrk script. With ``rate_per_thread``: an open-loop schedule, request k of a thread is due at start + k/rate
    (wrk's delay() computed from the monotonic clock through LuaJIT's FFI), so the offered load does not drop when
    responses slow down (as a fixed think time per connection would); a late thread catches up at once."""
    schedule = textwrap.dedent(f"""
        local ffi = require("ffi")
        ffi.cdef[[ typedef struct {{ long tv_sec; long tv_nsec; }} tb_timespec;
                   int clock_gettime(int clk, tb_timespec *tp); ]]
        local ts = ffi.new("tb_timespec")
        local function now_ms()
          ffi.C.clock_gettime(1, ts)
          return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
        end
        local period = {1000.0 / rate_per_thread if rate_per_thread else 0.0:.4f}
        local due = nil
        function delay()
          local t = now_ms()
          if due == nil then due = t end
          local wait = due - t
          due = due + period
          if wait < 0 then return 0 end
          return wait
        end
    """) if rate_per_thread else ""
    # unique: every request a different case id, so that the engine computes every request (no shared result)
    uniq = textwrap.dedent("""
        math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
        request = function()
          local b = string.gsub(body, '"demo%-sacrum%-sts"', '"bench-' .. math.random(1, 1000000000) .. '"')
          return wrk.format("POST", nil, nil, b)
        end
    """) if unique else ""
    return textwrap.dedent(f"""
        local f = io.open("{body_file}", "rb"); body = f:read("*a"); f:close()
        wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "application/json"
    """) + schedule + uniq


TRIVIAL = textwrap.dedent("""
    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}
""")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sustained-seconds", type=int, default=20)
    ap.add_argument("--peak-seconds", type=int, default=10)
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--database", default="", help="a database URL (e.g. PostgreSQL) instead of a fresh SQLite file")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (apt-get install wrk)")
    import yaml

    tmp = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    case = yaml.safe_load((ROOT / "examples" / "sacrum-sts.yaml").read_text())
    body = tmp / "case.json"
    body.write_text(json.dumps(case))
    db = tmp / "bench.sqlite"
    port = free_port()
    db_url = args.database or f"sqlite:///{db}"
    env = {**os.environ, "TUMORBOARD_DATABASE_URL": db_url}
    t0 = time.perf_counter()
    server = subprocess.Popen([PY, "-c", "from tumorboard.cli import main; main()", "serve", "--port", str(port),
                               "--log-level", "warning"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    trivial_port = free_port()
    (tmp / "trivial_app.py").write_text(TRIVIAL)
    trivial = subprocess.Popen([PY, "-m", "uvicorn", "trivial_app:app", "--port", str(trivial_port),
                                "--log-level", "warning", "--no-access-log"], cwd=tmp, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    import importlib.util

    summary: dict[str, object] = {
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_at_start": round(os.getloadavg()[0], 2),
        "event_loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "database": "sqlite (fresh file, synchronous=FULL)" if not args.database else "given URL",
    }
    try:
        base = f"http://127.0.0.1:{port}"
        wait(base + "/healthz")
        summary["healthz_s"] = round(time.perf_counter() - t0, 2)
        wait(base + "/readyz")
        summary["readyz_s"] = round(time.perf_counter() - t0, 2)
        wait(f"http://127.0.0.1:{trivial_port}/ping")
        time.sleep(8)  # let the background models (text pipeline) finish loading before measuring
        url = base + "/v1/assess"
        warm = tmp / "warm.lua"
        warm.write_text(lua(body, None))
        wrk(url, warm, 3, 4)
        from tumorboard.store import Store

        store = Store(db_url)
        before = store.count("assessments")
        # sustained: --rate requests/s on a fixed schedule (2 wrk threads, each rate/2), 16 connections
        connections = 16
        paced = tmp / "paced.lua"
        paced.write_text(lua(body, args.rate / 2))
        summary["load_before_sustained"] = round(os.getloadavg()[0], 2)
        sustained = wrk(url, paced, args.sustained_seconds, connections)
        time.sleep(0.5)
        rows = store.count("assessments") - before
        report = store.verify_audit()
        ok_2xx = sustained["requests"] - sustained["non_2xx"]
        summary["sustained"] = {**sustained, "rows_committed": rows, "every_2xx_committed": rows >= ok_2xx,
                                "audit_chain": report.describe()}
        summary["load_before_peak"] = round(os.getloadavg()[0], 2)
        peak_assess = wrk(url, warm, args.peak_seconds, 16)
        unique = tmp / "unique.lua"
        unique.write_text(lua(body, None, unique=True))
        summary["peak_assess_unique_cases"] = wrk(url, unique, args.peak_seconds, 8)
        ping = tmp / "ping.lua"
        ping.write_text('wrk.method = "GET"')
        peak_trivial = wrk(f"http://127.0.0.1:{trivial_port}/ping", ping, args.peak_seconds, 16)
        summary["peak_assess"] = peak_assess
        summary["peak_trivial"] = peak_trivial
        summary["ratio_assess_to_trivial"] = round(peak_assess["rps"] / peak_trivial["rps"], 3)
        summary["audit_after_all"] = Store(db_url).verify_audit().describe()
    finally:
        for proc in (server, trivial):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)  # the SQLite store holds about 100 kB per request (1 GB a run)
    print(json.dumps(summary, indent=2))
    s = summary["sustained"]
    assert isinstance(s, dict)
    pa, pu, pt = summary["peak_assess"], summary["peak_assess_unique_cases"], summary["peak_trivial"]
    assert isinstance(pa, dict) and isinstance(pu, dict) and isinstance(pt, dict)
    print(f"\n{summary['started']}, load average {summary['load_at_start']} at start, "
          f"{summary['load_before_sustained']} before the sustained run, {summary['load_before_peak']} before the "
          "peaks; "
          f"uvicorn with {summary['event_loop']} and {summary['http']}, one worker, "
          f"{'SQLite synchronous=FULL' if not args.database else Store(args.database).dialect}")
    rows = [
        ("`tumorboard serve`: /healthz, /readyz answered after", f"{summary['healthz_s']} s, {summary['readyz_s']} s"),
        (f"sustained `POST /v1/assess` (demo case), {args.sustained_seconds} s, {args.rate} req/s on a fixed schedule",
         f"{s['rps']:.0f} req/s; p50 {s.get('p50_ms')} ms, p90 {s.get('p90_ms')} ms, p99 {s.get('p99_ms')} ms; "
         f"non-2xx {s['non_2xx']:.0f}"),
        ("rows committed / 2xx responses",
         f"{s['rows_committed']} / {s['requests'] - s['non_2xx']:.0f}; {s['audit_chain']}"),
        ("peak `POST /v1/assess`, demo case (16 connections)", f"{pa['rps']:.0f} req/s, p99 {pa.get('p99_ms')} ms"),
        ("peak `POST /v1/assess`, a new case each request (engine runs every time; 8 connections)",
         f"{pu['rps']:.0f} req/s, p50 {pu.get('p50_ms')} ms"),
        ("peak trivial FastAPI endpoint, one uvicorn worker, same run", f"{pt['rps']:.0f} req/s"),
        ("ratio peak assess (demo case) / trivial", str(summary["ratio_assess_to_trivial"])),
    ]
    print("\n| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
