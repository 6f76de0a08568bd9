import os

import pytest

from tumorboard.text import TextTooLarge, extract, render_text


def test_empty():
    for text in ("", "   \n  "):
        ex = extract(text)
        assert ex.case.lesions == [] and ex.facts == []
        assert ex.notes


def test_binary_junk():
    ex = extract(os.urandom(4000))
    assert ex.facts == [] and ex.notes


def test_non_english():
    ex = extract(
        "Sehr geehrte Kollegen, wir berichten über eine 60-jährige Patientin mit Knochenmetastasen und "
        "einer Fraktur der Wirbelsäule. Die Patientin ist nicht gehfähig."
    )
    assert ex.facts == []
    assert any("English" in n for n in ex.notes)


def test_no_clinical_content():
    ex = extract("The weather was lovely and we walked along the river to the old mill.")
    assert ex.facts == []
    assert any("no clinical content" in n for n in ex.notes)


def test_oversize_is_refused():
    with pytest.raises(TextTooLarge):
        extract("a" * 201_000)


def test_one_megabyte_is_refused_with_a_message():
    with pytest.raises(TextTooLarge, match="limit"):
        extract("x" * 1_000_000)


def test_long_note_below_the_limit():
    note = "62F with leiomyosarcoma. Lytic T9 metastasis, ESCC 2. No pathological fracture. " * 1_200
    ex = extract(note)
    assert ex.case.primary.histology == "leiomyosarcoma"
    assert ex.case.lesions[0].escc_grade == "2"


def test_render_text():
    text = "62F with leiomyosarcoma. T9 metastasis, ESCC 2."
    ex = extract(text)
    out = render_text(ex, text)
    assert "confirm" in out and "escc_grade" in out


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, tumorboard.text; print('medspacy' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"
