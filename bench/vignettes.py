"""Clinical vignette pass rates per set (development, held-out) with the real knowledge base; writes them into the
Engine section of docs/benchmarks.md (``--no-write`` to only print). A vignette passes when every expectation of
tests/clinical/README.md holds; known failures (tests/clinical/known_failures.yaml) count as failures here.

Run: .venv/bin/python bench/vignettes.py [--no-write]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "clinical"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(write: bool = True) -> int:
    import test_vignettes as tv

    from tumorboard.knowledge import load

    kb = load()
    known = tv.known_failures()
    per_set: dict[str, list[tuple[str, list[str]]]] = {"development": [], "heldout": []}
    for path in tv.vignette_files():
        vignette = yaml.safe_load(path.read_text())
        per_set[path.parent.name].append((path.stem, tv.failures(vignette, tv.run(vignette))))
    lines = []
    for name, results in per_set.items():
        passed = sum(1 for _, f in results if not f)
        total = len(results)
        rate = 100 * passed / total if total else 0.0
        print(f"{name:12s} {passed}/{total} passed ({rate:.0f}%)")
        for vid, f in results:
            if f:
                tag = " (known)" if vid in known else " (NEW)"
                print(f"  FAIL {vid}{tag}: {f[0]}")
        lines.append((name, passed, total, rate, [vid for vid, f in results if f]))
    if write:
        from _docs import write_block

        body = [
            f"Clinical vignettes, {date.today().isoformat()}, knowledge base `{kb.version}` ({len(kb.statements)} "
            "statements), `bench/vignettes.py` (the same checks as `tests/clinical/test_vignettes.py`):",
            "",
            "| Set | Passed | Rate | Failing |",
            "|---|---|---|---|",
        ]
        for name, passed, total, rate, failing in lines:
            label = "held-out" if name == "heldout" else name
            body.append(f"| {label} | {passed}/{total} | {rate:.0f}% | {', '.join(failing) or '-'} |")
        body += ["", "Reasons for each failure: `tests/clinical/known_failures.yaml`. Held-out vignettes were not "
                 "used to tune the engine."]
        write_block("vignettes", "\n".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main(write="--no-write" not in sys.argv))
