"""The knowledge base's vocabulary as a scope signal (tumorboard.qa.vocabulary): a technical word the knowledge base
never uses puts a question outside unless the question names what the knowledge base covers; a word only a few of
its documents hold (a trial) keeps a question in."""

from __future__ import annotations

from typing import Any

import pytest

from tumorboard.qa.vocabulary import Vocabulary, everyday

DOCS = [
    "Pathological fracture of the femur: prophylactic fixation when the Mirels score is 9 or more.",
    "Vertebral metastases with kyphotic deformity: stabilisation before radiotherapy.",
    "The TAXOGEM trial compared gemcitabine with and without docetaxel in leiomyosarcoma.",
]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.build(DOCS, familiar=["olecranon"])


@pytest.mark.parametrize(("question", "unfamiliar"), [
    ("GP says it is a lipoma - does it need removing?", ["lipoma"]),
    ("Hyperbaric oxygen for radiation cystitis?", ["hyperbaric", "cystitis"]),
    ("Prophylactic fixaton of the femur?", []),  # a typo of a knowledge-base word
    ("Epidural tumour not deforming the cord", []),  # shares its stem with 'deformity'
    ("Is summing the doses allowed?", []),  # an inflected everyday word
    ("A met in the olecranon", []),  # a familiar word of scope.yaml
    ("Ewing sarcoma of the iliac wing", []),  # the text pipeline's rules recognise these
])
def test_unfamiliar_words(vocab: Vocabulary, question: str, unfamiliar: list[str]) -> None:
    assert vocab.unfamiliar(question) == unfamiliar


def test_specific_words_name_what_few_documents_hold(vocab: Vocabulary) -> None:
    assert vocab.specific("What did the TAXOGEM trial show?") == ["taxogem"]
    assert vocab.specific("Fixation of a femur fracture?") == []  # common words are never specific


def test_everyday_forms() -> None:
    assert everyday("redone") and everyday("summing") and everyday("treatment")
    assert not everyday("parathyroidectomy") and not everyday("lipoma")


def test_refusal_names_the_unfamiliar_words(qa_bm25: Any) -> None:
    a = qa_bm25.ask("Is hyperbaric oxygen worth it for a non-healing diabetic foot ulcer?")
    assert a.kind == "not_covered"
    assert any("\u201chyperbaric\u201d" in n and "never mentions" in n for n in a.notes)
    assert "hyperbaric" in a.retrieval["decision"]


def test_an_anchor_keeps_a_question_with_an_unfamiliar_word_in(qa_answering: Any) -> None:
    # 'hysterectomy' is not a knowledge-base word, but uterine leiomyosarcoma with lung metastases is its subject
    a = qa_answering.ask("Uterine leiomyosarcoma with lung mets two years after hysterectomy: what systemic options?")
    assert a.kind != "not_covered"


def test_a_trial_the_knowledge_base_holds_is_answered(qa_bm25: Any) -> None:
    a = qa_bm25.ask("What did the TAXOGEM trial show?")
    assert a.kind == "topic", a.retrieval["decision"]
    assert "taxogem" in a.retrieval["decision"]
