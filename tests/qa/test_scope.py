"""The knowledge base's scope (qa/scope.yaml): subjects it does not cover are refused by name; its own subjects are
never put outside, even when they share words with an outside subject."""

from __future__ import annotations

from typing import Any

import pytest

from tumorboard.qa.scope import out_of_scope


@pytest.mark.parametrize(("question", "subject", "matched"), [
    ("Kyphoplasty for an osteoporotic T12 wedge fracture in an 80 year old?", "bone or spine disease without cancer",
     "osteoporotic"),
    ("How is Paget's disease of bone treated?", "bone or spine disease without cancer", "Paget's"),
    ("L4/5 herniated disc with foot drop: operate?", "bone or spine disease without cancer", "herniated disc"),
    ("Adjuvant MAP chemo for osteosarcoma of the tibia", "primary bone sarcoma treatment (osteosarcoma)",
     "osteosarcoma"),
    ("Two brain mets from melanoma: SRS or WBRT?", "metastases outside the skeleton", "brain mets"),
    ("resect colorectal liver metastases or ablate?", "metastases outside the skeleton", "liver metastases"),
    ("SBRT dose for two para-aortic lymph nodes from prostate cancer?", "metastases outside the skeleton",
     "lymph nodes"),
    ("Hip fracture in a 90 year old after a fall: nail or plate?", "injuries (fractures from falls or accidents)",
     "after a fall"),
    ("Radiation proctitis after prostate radiotherapy: which treatment?", "radiotherapy side effects in other organs",
     "radiation proctitis"),
    ("Sclerotic tibial lesion with a central nidus in a teenager: ablate?",
     "benign bone tumours and tumour-like lesions", "nidus"),
])
def test_outside_subjects_are_named(question: str, subject: str, matched: str) -> None:
    found = out_of_scope(question)
    assert found is not None and found.subject == subject and found.matched.lower() == matched.lower()


@pytest.mark.parametrize("question", [
    "Sacroplasty works for osteoporotic fractures - does it work for sacral metastases too?",
    "Leiomyosarcoma with lung and liver mets, progressing on doxorubicin: what next?",
    "Brain mets and a painful L2 bone metastasis from breast cancer - SBRT to the spine?",
    "Lytic lesion in the femur with no known cancer: biopsy before nailing?",
    "Bilsky 2 compression at T9 in a man with degenerative changes at L4-5",
    "Single 8 Gy for a painful rib met?",
    "Epithelioid sarcoma of the forearm, now an isolated axillary lymph node relapse: dissection?",
    "Renal cancer with a single periacetabular met, nothing else on staging: resect?",
    "She fell at home: pathological # through a femoral shaft met from a renal primary. Nail, then RT?",
])
def test_own_subjects_are_never_put_outside(question: str) -> None:
    assert out_of_scope(question) is None


def test_refusal_names_the_subject(qa_bm25: Any) -> None:
    a = qa_bm25.ask("Should she start alendronate after an osteoporotic hip fracture?")
    assert a.kind == "not_covered"
    assert "not covered" in a.notes[0]
    assert any("bone or spine disease without cancer" in n and "osteoporotic" in n for n in a.notes)
    assert "scope" in a.retrieval["decision"]


@pytest.mark.parametrize(("question", "refused"), [
    # strong tier: a sarcoma word does not keep these in; a metastasis or recurrence word that is not negated does
    ("Imatinib dose for an unresectable DFSP of the trunk?", True),
    ("Adjuvant chemotherapy after R0 resection of a high grade thigh STS with no mets?", True),
    ("Neoadjuvant chemotherapy before resecting a recurrent retroperitoneal liposarcoma?", False),
    ("Osteoid osteoma of the femoral neck in a teenager: RFA?", True),
    ("Metastatic osteosarcoma with lung nodules at relapse: what next?", False),
    ("Primary 12 cm thigh leiomyosarcoma: amputation or limb salvage?", True),
    ("Adjuvant imatinib for 3 years after resection of a high-risk GIST?", True),
    ("Newly diagnosed myxoid liposarcoma of the thigh: preoperative RT?", True),
    ("Primary sacral chordoma with lung metastases: what systemic options?", False),
    ("Osteomalacia with low vitamin D: how much colecalciferol?", True),
    ("Vitamin D deficiency before starting denosumab for bone metastases?", False),
    # always tier: nothing in the knowledge base on it, whatever else is named
    ("Radium-223 for bone metastases of castration-resistant prostate cancer?", True),
])
def test_tiers(question: str, refused: bool) -> None:
    assert (out_of_scope(question) is not None) is refused


def test_scope_file_rejects_an_unknown_tier(tmp_path: Any) -> None:
    from tumorboard.qa.scope import load_scope

    bad = tmp_path / "scope.yaml"
    bad.write_text("outside:\n  - {subject: x, tier: sometimes, patterns: ['x']}\ninside: []\n")
    with pytest.raises(ValueError, match="unknown tier"):
        load_scope(str(bad))


@pytest.mark.parametrize(("question", "domain"), [
    ("Painful humeral shaft met from breast ca: cryoablation first?", True),  # a bone with a tumour word
    ("Creatinine has gone up since her last Zometa: give this month's dose?", True),  # a bone-modifying agent
    ("One trip for radiotherapy to my sore hip or five?", True),  # a bone with radiotherapy
    ("My mum tripped on the stairs and broke her hip: new hip or screws?", False),  # trauma
    ("Grade 3 pressure ulcer over the sacrum in a bedbound patient: which dressing?", False),
    ("Radioiodine for thyroid cancer with lung metastases?", False),  # metastases, but not to bone
])
def test_domain_of_a_question(question: str, domain: bool) -> None:
    from tumorboard.qa.scope import in_domain

    assert (in_domain(question) is not None) is domain


def test_a_question_outside_the_domain_needs_its_words_in_the_statements() -> None:
    from tumorboard.qa.index import Hit, Retrieval
    from tumorboard.qa.service import covered

    t = {"hybrid": {"dense_low": 0.5, "dense": 0.56, "coverage": 0.12, "coverage_floor": 0.28}}
    r = Retrieval("q", "q", "hybrid", [Hit(key="s:x", score=1.0)], dense_top=0.7, coverage=0.2)
    assert covered(r, t) is False  # similar, but its words are not in the best statements
    r.domain = "hip + sore"
    assert covered(r, t) is True


def test_only_a_sarcoma_with_its_status_is_a_case_in_the_domain() -> None:
    from tumorboard.qa.service import located_case
    from tumorboard.qa.understand import understand

    # another cancer progressing in the lungs: the knowledge base covers only its bone metastases
    assert not located_case(understand("Follicular thyroid cancer with progressing lung metastases: which TKI?"))
    assert located_case(understand("Recurrent leiomyosarcoma with progressing lung metastases: which second line?"))
    assert located_case(understand("Breast cancer with a painful T9 metastasis: 8 Gy or 20 Gy?"))


@pytest.mark.parametrize(("question", "cancer"), [
    ("PSA a bit high and the biopsy shows a small low-grade prostate cancer: keep an eye on it?", "cancer"),
    ("Which adjuvant for resected stage III melanoma?", "melanoma"),
    ("Breast cancer with a painful T9 metastasis: 8 Gy or 20 Gy?", None),  # metastatic: in scope
    ("My cancer has come back in my spine", None),
    ("Radioresistant histologies such as renal cell carcinoma: SBRT or conventional RT?", None),
])
def test_a_cancer_named_without_its_stage_is_outside(question: str, cancer: str | None) -> None:
    from tumorboard.qa.scope import unstaged

    assert unstaged(question) == cancer
