"""Benchmark of `tumorboard ask` (issue 6): retrieval recall@5 and MRR, must-have coverage of answers, abstention
precision and recall - BM25 alone, dense alone and hybrid side by side, on the development, held-out (v1) and
held-out v2 question sets - plus latency (topic and case answers), index build time and resident memory.

    .venv/bin/python bench/qa.py              # measure and write the "## Ask" section of docs/benchmarks.md
    .venv/bin/python bench/qa.py --calibrate  # first calibrate the abstention thresholds on the tuning sets only
    .venv/bin/python bench/qa.py --no-write   # print only
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tumorboard.qa.index import Retrieval  # noqa: E402
from tumorboard.qa.outside import nearest  # noqa: E402
from tumorboard.qa.service import CALIBRATION_FILE, QA, covered, load_thresholds  # noqa: E402

SETS = ROOT / "bench" / "qa_questions"
MODES = ("bm25", "dense", "hybrid")
# Held-out sets are measured once for a verdict, then join the tuning sets (each was written, by someone who saw no
# retrieval results, and committed before the tuning that followed the previous verdict):
#   development  tuning from the start
#   heldout      (v1) verdict at stop 10 (recall@5 0.873, one out-of-scope question answered); tuning since
#   heldout_v2   written 2026-11-24 02:59; verdict 03:26 (recall@5 0.895, six answered); tuning since
#   heldout_v3   written 2026-11-24 03:32; verdict 03:43 (recall@5 0.828, eight answered); tuning since
#   heldout_v4   written 2026-11-24 04:06; verdict 04:17 (recall@5 0.943, three answered); tuning since
#   heldout_v5   written 2026-11-24 04:33; verdict 04:44 (recall@5 0.952, three answered); tuning since
#   heldout_v6   written 2026-11-24 05:18 (a later session); verdict 05:24 (recall@5 0.963, none answered); tuning since
#   heldout_v7   written 2026-11-24 05:31; verdict 05:43 (recall@5 0.938, five answered); tuning since
#   heldout_v8   written 2026-11-24 05:56; verdict 05:58 (recall@5 0.988, none answered); tuning since 06:12
#   heldout_v9   written 2026-11-24 06:07 with nothing changed since the v8 verdict (a replication); verdict 06:10
#                (recall@5 0.988, two answered); tuning since
#   heldout_v10  written 2026-11-24 06:21; verdict 06:24 (recall@5 0.975, one answered); tuning since
#   heldout_v11  written 2026-11-24 06:33; verdict 06:37 (recall@5 0.950, three answered); tuning since
#   heldout_v12  written 2026-11-24 06:47; verdict 06:50 (recall@5 0.950, two answered); tuning since
#   heldout_v13  written 2026-11-24 07:04; verdict 07:10 (recall@5 0.988, none answered); never tuned on
#   heldout_v14  written 2026-11-24 07:17 with nothing changed since the v13 verdict (a replication); never tuned
#                on - the set the targets are judged on
REPORTED = ("development", "heldout", "heldout_v2", "heldout_v3", "heldout_v4", "heldout_v5", "heldout_v6",
            "heldout_v7", "heldout_v8", "heldout_v9", "heldout_v10", "heldout_v11", "heldout_v12", "heldout_v13",
            "heldout_v14")
TUNING = ("development", "heldout", "heldout_v2", "heldout_v3", "heldout_v4", "heldout_v5", "heldout_v6",
          "heldout_v7", "heldout_v8", "heldout_v9", "heldout_v10", "heldout_v11", "heldout_v12")
TARGET_SET = "heldout_v14"


def load_set(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    data = yaml.safe_load((SETS / f"{name}.yaml").read_text())
    return data["in_scope"], data["out_of_scope"]


def stmt_ranks(r: Retrieval) -> list[str]:
    return [h.target for h in r.hits if h.kind == "statement"]


def retrieval_metrics(qa: QA, items: list[dict[str, Any]], mode: str) -> dict[str, float]:
    recalls, rrs = [], []
    for q in items:
        must = q.get("must_use") or []
        if not must:
            continue
        ranked = stmt_ranks(qa.retrieve_question(q["q"], mode))  # type: ignore[arg-type]
        recalls.append(len(set(must) & set(ranked[:5])) / len(must))
        first = next((i for i, sid in enumerate(ranked) if sid in must), None)
        rrs.append(0.0 if first is None else 1.0 / (first + 1))
    return {"recall@5": statistics.mean(recalls), "mrr": statistics.mean(rrs), "labelled": len(recalls)}


def answer_metrics(qa: QA, items: list[dict[str, Any]], oos: list[dict[str, Any]], mode: str) -> dict[str, float]:
    cov, kind_ok, answered_in, refused_in = [], 0, 0, 0
    for q in items:
        a = qa.ask(q["q"], mode=mode)  # type: ignore[arg-type]
        if a.kind == "not_covered":
            refused_in += 1
        else:
            answered_in += 1
            kind_ok += int(a.kind == q.get("kind"))
        must = q.get("must_use") or []
        if must:
            cov.append(len(set(must) & set(a.statement_ids())) / len(must))
    answered_oos = [q["q"] for q in oos if qa.ask(q["q"], mode=mode).kind != "not_covered"]  # type: ignore[arg-type]
    refused_oos = len(oos) - len(answered_oos)
    refused = refused_in + refused_oos
    return {
        "coverage": statistics.mean(cov) if cov else 0.0,
        "abst_precision": refused_oos / refused if refused else 1.0,
        "abst_recall": refused_oos / len(oos) if oos else 1.0,
        "oos_answered": len(oos) - refused_oos,
        "in_refused": refused_in,
        "kind_accuracy": kind_ok / answered_in if answered_in else 0.0,
        "oos_answered_questions": answered_oos,
    }


def calibrate(qa: QA) -> dict[str, dict[str, float]]:
    """Thresholds that refuse every out-of-scope question of the TUNING sets while answering as many in-scope ones
    as possible; among equally good thresholds the one halfway through the feasible range (a margin both ways)."""
    ins: list[tuple[str, str]] = []
    oos: list[tuple[str, str]] = []
    for name in TUNING:
        i, o = load_set(name)
        ins += [(q["q"], name) for q in i]
        oos += [(q["q"], name) for q in o]
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        qa.thresholds.setdefault(mode, {}).pop("outside_margin", None)
        if mode != "bm25":
            # the out-of-scope examples' margin: at most 1% of the undecided in-scope tuning questions refused
            gaps = []
            for q, _ in ins:
                r, fixed = qa.screen(q, mode)  # type: ignore[arg-type]
                near = nearest(r.query_vector)
                if fixed is None and near is not None and r.dense_top is not None:
                    gaps.append(near.similarity - r.dense_top)
            margin = float(np.ceil(np.quantile(gaps, 0.99) * 100) / 100) + 0.0 if gaps else 1.0
            qa.thresholds[mode]["outside_margin"] = margin
            caught = sum(qa.screen(q, mode, exclude_set=n)[1] is False  # type: ignore[arg-type]
                         for q, n in oos)
            print(f"{mode}: out-of-scope example margin {margin} (refuses {caught}/{len(oos)} out-of-scope tuning "
                  "questions with all decisions, their own set's examples left out)")
        # questions that scope, the examples or a located case decide are left out of the threshold calibration;
        # a question's own set's examples are left out (else every tuning out-of-scope question is its own example)
        sig_in = [r for r, fixed in (qa.screen(q, mode, exclude_set=n) for q, n in ins)  # type: ignore[arg-type]
                  if fixed is None]
        sig_out = [r for r, fixed in (qa.screen(q, mode, exclude_set=n) for q, n in oos)  # type: ignore[arg-type]
                   if fixed is None]
        grids: dict[str, list[float]] = {}
        if mode != "bm25":
            grids["dense"] = [round(0.40 + 0.01 * i, 2) for i in range(41)]
        if mode == "hybrid":
            grids["dense_low"] = [round(0.30 + 0.01 * i, 2) for i in range(31)]
        if mode != "dense":
            grids["coverage"] = [round(0.02 * i, 2) for i in range(50)]
        if mode != "bm25":  # questions naming nothing of the domain must also reach this coverage
            grids["coverage_floor"] = [round(0.02 * i, 2) for i in range(26)]
        names = list(grids)
        if mode != "dense":
            grids["coverage"].append(1.01)  # above any coverage: BM25 alone may have to refuse everything uncertain

        def arrays(rs: list[Retrieval]) -> tuple[Any, Any, Any, Any]:
            return (np.array([bool(r.hits) for r in rs]), np.array([r.dense_top or 0.0 for r in rs]),
                    np.array([r.coverage for r in rs]), np.array([r.domain is None for r in rs]))

        def answered(a: tuple[Any, Any, Any, Any], t: dict[str, float]) -> int:
            """``covered`` over many questions at once (checked against it below)."""
            hits, dense, cov, outside = a
            ok = hits & ~(outside & (cov < t.get("coverage_floor", 0.0)))
            if "dense" in t:
                ok &= dense >= t.get("dense_low", t["dense"])
                ok &= (dense >= t["dense"]) | (cov >= t.get("coverage", 9.0))
            else:
                ok &= cov >= t.get("coverage", 0.0)
            return int(ok.sum())

        a_in, a_out = arrays(sig_in), arrays(sig_out)
        best: list[tuple[int, int, dict[str, float]]] = []
        for combo in itertools.product(*(grids[n] for n in names)):
            t = dict(zip(names, combo, strict=True))
            if t.get("dense_low", 0) > t.get("dense", 1):
                continue
            best.append((answered(a_out, t), answered(a_in, t), t))
        # fewest out-of-scope questions answered first (zero where possible), then most in-scope ones answered
        least = min(o for o, _, _ in best)
        top = max(n for o, n, _ in best if o == least)
        cands = [t for o, n, t in best if o == least and n == top]
        centre = {n: statistics.mean(c[n] for c in cands) for n in names}
        chosen = min(cands, key=lambda c: sum((c[n] - centre[n]) ** 2 for n in names))
        assert sum(covered(r, {mode: chosen}) for r in sig_in) == top  # the vectorised rule is ``covered``
        assert sum(covered(r, {mode: chosen}) for r in sig_out) == least
        if mode != "bm25":
            chosen = {**chosen, "outside_margin": qa.thresholds[mode]["outside_margin"]}
        out[mode] = chosen
        print(f"calibrated {mode}: {chosen} (of the questions the thresholds decide: answers {top}/{len(sig_in)} "
              f"in-scope, refuses {len(sig_out) - least}/{len(sig_out)} out-of-scope)")
    CALIBRATION_FILE.write_text(
        "# Abstention thresholds for `tumorboard ask`, calibrated by bench/qa.py --calibrate on the tuning question\n"
        f"# sets only ({', '.join(TUNING)}; never {TARGET_SET}) and only on the questions that scope, the\n"
        "# vocabulary or a located case leave undecided: every out-of-scope one refused, most in-scope ones answered\n"
        "# (the thresholds nearest the centre of the best region). dense: best cosine similarity of the question to a\n"
        "# statement; coverage: IDF-weighted share of the question's terms found in the three best BM25 documents.\n"
        "# Rule (tumorboard.qa.service.covered): a question naming nothing of the domain (qa.scope.in_domain) with\n"
        "# coverage < coverage_floor refuses; dense < dense_low refuses; dense >= dense answers; in between,\n"
        "# coverage >= coverage answers. BM25 alone: coverage only.\n"
        + yaml.safe_dump({"thresholds": out}, sort_keys=True)
    )
    return out


def pctl(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p * (len(xs) - 1))))]


def latency(qa: QA, questions: list[dict[str, Any]], repeat: int = 3) -> dict[str, list[float]]:
    for q in questions[:5]:  # warm-up: model, spaCy pipeline, engine
        qa.ask(q["q"])
    out: dict[str, list[float]] = {"topic": [], "case": [], "not_covered": []}
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            a = qa.ask(q["q"])
            out[a.kind].append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--cache", help="reuse an index cache directory (build time is then not a fresh build)")
    ap.add_argument("--calibrate-only", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        qa = QA(cache_dir=Path(args.cache or tmp), user_documents=False)
        t0 = time.perf_counter()
        index = qa.index
        build_s = time.perf_counter() - t0
        print(f"index: {len(index.docs)} documents, {len(index.corpus.statements)} statements, built in "
              f"{build_s:.1f} s (embedding included; model load excluded from nothing)")
        if args.calibrate or args.calibrate_only:
            qa.thresholds = calibrate(qa)
            if args.calibrate_only:
                return 0
        else:
            qa.thresholds = load_thresholds()
        rows = []
        for name in REPORTED:
            ins, oos = load_set(name)
            for mode in MODES:
                m = retrieval_metrics(qa, ins, mode) | answer_metrics(qa, ins, oos, mode)
                rows.append((name, mode, len(ins), len(oos), m))
                print(name, mode, {k: round(v, 3) if isinstance(v, float) else v for k, v in m.items()})
                if mode == "hybrid" and m["oos_answered_questions"]:
                    print("  out-of-scope answered:", m["oos_answered_questions"])
        all_q = [q for name in REPORTED for q in load_set(name)[0]]
        lat = latency(qa, all_q)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        summary = {k: (pctl(v, 0.95), statistics.median(v), len(v)) for k, v in lat.items() if v}
        print("latency p95/median ms:", {k: (round(a, 1), round(b, 1), n) for k, (a, b, n) in summary.items()})
        print(f"peak RSS {rss_mb:.0f} MB")
        if not args.no_write and not args.cache:
            write_docs(rows, summary, build_s, rss_mb, index)
    return 0


NOTES = [
    "Notes: each held-out set was written by a helper who did not run or read the retrieval code, its results or "
    "the statements' questions, and was committed before the tuning that followed the previous verdict. History of "
    "the verdicts (hybrid recall@5, out-of-scope answered): v1 at stop 10, 0.873 and 1; v2 on 2026-11-24 after the "
    "statements' questions and case-aware retrieval were added, 0.895 and 6 (near-domain questions: osteosarcoma, "
    "brain metastases, osteoporotic fractures, disc disease, Paget's disease, myeloma induction). After v2 the scope "
    "list (`qa/scope.yaml`) was written, RRF k set to 7 and the thresholds recalibrated, on the tuning sets. The v3 "
    "writer's report named some of its out-of-scope subjects before v3 was measured; nothing was changed after that "
    "report except RRF k (chosen on the tuning sets) and the calibration procedure (questions decided by scope or "
    "by a located case left out of it). After the v3 verdict (0.828 and 8: its writer favoured statements the earlier "
    "sets barely used, and two-thirds of its out-of-scope questions were near-domain), with v3 joining the tuning "
    "sets: the scope list gained tiers and subjects (radionuclide therapy, benign bone tumours, sarcomas the "
    "knowledge base does not cover, localised cancer, lymphoma and neuroblastoma), the synonym list a general block "
    "of procedure, analgesic and neurological terms, placeholders in topic answers read \"advanced disease\" rather "
    "than \"advanced the tumour\", and the thresholds were recalibrated; v4 was written, by a "
    "helper whose report gave counts only, while these changes were made, and committed before they were. The "
    "statements' questions and the question sets were written by the same "
    "team (language-model helpers), so held-out figures probably overstate performance on real clinicians' "
    "wording. BM25 alone refuses many in-scope questions: the share of question terms found in the best documents "
    "is a weak out-of-scope signal, so the keyword-only fallback is conservative. Case answers come from the "
    "engine's plan; recall@5 measures retrieval (for case questions, with the statements the plan fires boosted). "
    "Latency includes the text pipeline and engine for case answers; model and pipeline loading are excluded by a "
    "warm-up.",
    "",
    "Why v3 is lower: its writer set out to use the statements the earlier sets barely used, so its questions "
    "reach statements no tuning question asked about; and about two-thirds of its out-of-scope questions are "
    "near-domain (benign bone tumours, sarcomas the knowledge base does not cover such as Kaposi sarcoma and DFSP, "
    "adjuvant therapy of localised STS, lymphoma, SBRT for primary lung cancer, fractures without cancer), which the "
    "scope list did not name then and whose retrieval scores look in-domain.",
    "",
    "The v4 verdict (its writer sampled the statements at random, seed 4): hybrid recall@5 0.943, target met; three "
    "of its 22 out-of-scope questions were answered (surgery for a primary retroperitoneal liposarcoma, adjuvant "
    "imatinib after resection of a primary GIST, vitamin D for osteomalacia), so the abstention target is not met. "
    "The spread between v3 (0.828 before tuning on it) and v4 (0.943) shows how much the figure depends on which "
    "statements a set asks about; both are reported. No further set was written: tuning the scope list against each "
    "new set's near-domain questions is whack-a-mole, and the remaining gap (questions about primary, "
    "non-metastatic disease in the same organs and histologies) needs the scope decided from the disease status the "
    "question states rather than from a word list.",
    "",
    "After the v4 verdict (so not a held-out result): the scope list gained primary and newly diagnosed sarcoma or "
    "GIST, adjuvant therapy after complete resection, and metabolic bone disease (osteomalacia, vitamin D "
    "deficiency, hyperparathyroidism); all 415 in-scope questions of the five sets still pass it, and v4's three "
    "answered out-of-scope questions are now refused by it. The thresholds were not recalibrated. A new held-out "
    "set (v5) must be written and committed before any further tuning to give the next verdict.",
    "",
    "The v5 verdict (written after the post-v4 scope changes, statements sampled at random with seed 5): hybrid "
    "recall@5 0.952, target met; three of its 22 out-of-scope questions were answered (SBRT to oligometastatic "
    "lymph nodes, a lipoma, radiation cystitis) and five of its 84 in-scope questions were refused, so the "
    "abstention target is not met. Across v4 and v5 recall is met on unseen questions; abstention fails on "
    "near-domain questions each time, and the word-list approach to scope has reached its limit.",
    "",
    "The v6 verdict (written blind at 05:18 on 2026-11-24, statements sampled with seed 6, committed before the "
    "change it judged): scope now also comes from the knowledge base's own vocabulary (tumorboard.qa.vocabulary): a "
    "technical word the knowledge base never uses (rare in English by wordfreq, unknown to the statements, their "
    "questions, the references, the synonym list and the text pipeline's rules) refuses a question that names "
    "nothing the knowledge base covers, and a word only a few of its documents hold (a trial) answers one; lymph-node "
    "and adrenal metastases joined the outside subjects; the thresholds were recalibrated on v1-v5. Hybrid recall@5 "
    "0.963, target met; none of its 25 out-of-scope questions answered, target met; three of its 80 in-scope "
    "questions were refused by the vocabulary signal (a patient's 'jabs' for denosumab injections, 'lipo' for "
    "liposarcoma twice).",
    "",
    "The v7 verdict (written blind at 05:31, seed 7, after case answers gained 'On the question asked' and the "
    "text pipeline more bone sites; its writer was asked for some out-of-scope questions in plain words only): "
    "hybrid recall@5 0.938, target met; five of its 25 out-of-scope questions were answered (a hip broken in a "
    "fall, a soft fatty lump, radioiodine for thyroid lung metastases, a pressure ulcer over the sacrum, trials in "
    "pancreatic cancer), so the abstention target is not met; six in-scope questions were refused (four by the "
    "vocabulary signal: 'muddled', 'jawbone', 'pall' care; one by the 'no known cancer' scope rule). The vocabulary "
    "signal only sees technical words: plain-worded and other-cancer questions pass it.",
    "",
    "The v8 verdict (written blind at 05:56, seed 8, same instructions as v7, committed before the change it "
    "judged): a question that names nothing of the knowledge base's domain (qa.scope.in_domain: a bone-modifying "
    "agent, score or procedure, or a bone named with a tumour word, radiotherapy or pain) must also have its words "
    "found in the best statements (a coverage floor calibrated jointly with the other thresholds on v1-v7). Hybrid "
    "recall@5 0.988, target met; none of its 25 out-of-scope questions answered, target met; five of its 80 "
    "in-scope questions refused.",
    "",
    "The v9 verdict (written blind at 06:08 with nothing changed since the v8 verdict: a replication): hybrid "
    "recall@5 0.988, target met; two of its 25 out-of-scope questions answered (a fatty lump described in plain "
    "words; lenvatinib for radioiodine-refractory thyroid lung metastases, which counted as a located case because a "
    "cancer with its status was taken as in the domain), so the abstention target is not met; two in-scope "
    "questions refused. Across the four fresh sets v6-v9 (100 out-of-scope questions), 7 were answered.",
    "",
    "The v10 verdict (written blind at 06:21 after v8 and v9 joined the tuning sets, a located case was limited to "
    "a lesion with its tumour or a sarcoma with its status, and the domain patterns grew): hybrid recall@5 0.975, "
    "target met; one of its 25 out-of-scope questions answered (active surveillance of a low-grade prostate "
    "cancer), so the abstention target is not met; four in-scope questions refused.",
    "",
    "The v11 verdict (written blind at 06:33, after a cancer named without metastatic, recurrent or advanced "
    "disease and nothing of the domain became a refusal, and benign soft-tissue lumps an outside subject): hybrid "
    "recall@5 0.950, target met; three of its 25 out-of-scope questions answered (an osteoid osteoma described by "
    "its nidus, a hip fracture after a fall, diarrhoea after pelvic radiotherapy for cervical cancer), so the "
    "abstention target is not met; three in-scope questions refused. Across the six fresh sets v6-v11 (150 "
    "out-of-scope questions), 11 were answered (abstention recall 0.93); recall@5 was met on every one "
    "(0.938-0.988).",
    "",
    "The v12 verdict (written blind at 06:47, after injuries from falls or accidents, radiotherapy side effects in "
    "other organs and a described nidus joined the outside subjects): hybrid recall@5 0.950, target met; two of its "
    "25 out-of-scope questions answered (a child's bone cyst found after a fall, described in plain words; back pain "
    "after lifting), so the abstention target is not met; one in-scope question refused. Across the seven fresh "
    "sets v6-v12 (175 out-of-scope questions), 13 were answered (abstention recall 0.93) and 24 of 560 in-scope "
    "questions were refused; each round of subjects added after a verdict fixes that set's misses, and the next set "
    "finds new near-domain ones (benign bone lesions, injuries, other cancers' stages and toxicities, in plain "
    "words). Deciding scope needs a model of what a question is about, not more words.",
    "",
    "The v13 verdict (written blind at 07:04, after v12 joined the tuning sets and out-of-scope examples were added: "
    "the 284 out-of-scope questions of the tuning sets, embedded; a question closer to one of them than to any "
    "statement is refused and the example named, with the margin set so that at most 1% of the in-scope tuning "
    "questions are refused, and a set's own examples left out when it is calibrated): hybrid recall@5 0.988, target "
    "met; none of its 25 out-of-scope questions answered, target met; one of its 80 in-scope questions refused.",
    "",
    "The v14 verdict (written blind at 07:17 with nothing changed since the v13 verdict: a replication): hybrid "
    "recall@5 0.975, target met; none of its 25 out-of-scope questions answered, target met; three of its 80 "
    "in-scope questions refused. The system as it stands met both targets on two fresh sets in a row (50 "
    "out-of-scope questions, none answered; 4 of 160 in-scope questions refused). Earlier versions answered 13 of "
    "the 175 out-of-scope questions of v6-v12, so a new set may still find a miss; every verdict is kept here.",
    "",
]


def write_docs(rows: list[Any], lat: dict[str, tuple[float, float, int]], build_s: float, rss_mb: float,
               index: Any) -> None:
    th = load_thresholds()
    lines = [
        "## Ask",
        "",
        f"`bench/qa.py` on the project machine (2 cores; load average {os.getloadavg()[0]:.1f} at the end of the run); "
        f"knowledge base {index.corpus.hash[:12]} with {len(index.corpus.statements)} statements, "
        f"{sum(len(s.questions) for s in index.corpus.statements.values())} questions they answer "
        f"(`knowledge/questions/`) and {len(index.corpus.references)} references ({len(index.docs)} indexed "
        f"documents, {len(index.dense_keys)} dense views). Question sets in `bench/qa_questions/`. A held-out set is "
        "measured once for a verdict and then joins the tuning sets; the targets are judged on the newest one, "
        f"`{TARGET_SET}`, which no tuning has seen. Abstention thresholds calibrated on the tuning sets "
        f"({', '.join(TUNING)}) only: hybrid {th['hybrid']}; BM25 alone {th['bm25']}; dense alone {th['dense']}.",
        "",
        "Recall@5 and MRR: the labelled must-use statements among the first five retrieved statements, and the "
        "reciprocal rank of the first. Coverage: share of must-use statements the composed answer cites. Abstention: "
        "precision (refused questions that were out of scope) and recall (out-of-scope questions refused). "
        "Kind: case/topic decision agrees with the label (answered questions).",
        "",
        "| set | retrieval | questions (in / out) | recall@5 | MRR | coverage | abstention P | abstention R | "
        "out-of-scope answered | in-scope refused | kind |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, mode, n_in, n_out, m in rows:
        lines.append(
            f"| {name} | {mode} | {m['labelled']}/{n_in} / {n_out} | {m['recall@5']:.3f} | {m['mrr']:.3f} | "
            f"{m['coverage']:.3f} | {m['abst_precision']:.2f} | {m['abst_recall']:.2f} | {m['oos_answered']} | "
            f"{m['in_refused']} | {m['kind_accuracy']:.2f} |"
        )
    for name, mode, _, _, m in rows:
        if mode == "hybrid":
            met = m["recall@5"] >= 0.9 and not m["oos_answered"]
            miss = "; ".join(f'"{q}"' for q in m["oos_answered_questions"])
            role = "held-out, never tuned on: the verdict" if name == TARGET_SET else "tuning set"
            lines.append(f"\n{name} ({role}), hybrid: recall@5 {m['recall@5']:.3f} (target >= 0.9), out-of-scope "
                         f"answered {m['oos_answered']} (target 0): {'met' if met else '**not met**'}"
                         + (f"; answered out-of-scope: {miss}" if miss else "") + ".")
    lines += [
        "",
        "| measure | value | target |",
        "|---|---|---|",
    ]
    if "topic" in lat:
        lines.append(f"| topic answer p95 (hybrid, after warm-up; n={lat['topic'][2]}) | {lat['topic'][0]:.0f} ms "
                     f"(median {lat['topic'][1]:.0f}) | < 150 ms |")
    if "case" in lat:
        lines.append(f"| case answer p95 (extraction, engine, composer; n={lat['case'][2]}) | {lat['case'][0]:.0f} ms "
                     f"(median {lat['case'][1]:.0f}) | < 250 ms |")
    lines += [
        f"| index build (statements, references; embeddings included) | {build_s:.1f} s | < 60 s |",
        f"| peak resident memory (bench process) | {rss_mb:.0f} MB | < 1500 MB |",
        "",
    ]
    lines += NOTES
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text()
    new = "\n".join(lines)
    text, n = re.subn(r"## Ask\n.*?(?=\n## |\Z)", lambda _: new, text, count=1, flags=re.S)
    if n == 0:
        text = text.rstrip() + "\n\n" + new
    doc.write_text(text)
    print("wrote docs/benchmarks.md (## Ask)")


if __name__ == "__main__":
    raise SystemExit(main())
