from tumorboard.text.abbreviations import expand, glossary


def test_domain_abbreviations():
    assert expand("MSCC") == "metastatic spinal cord compression"
    assert "radiotherapy" in expand("cEBRT")


def test_glossary_of_a_note():
    g = glossary("62F, LMS, T9 MSCC, SBRT planned.")
    assert {"LMS", "MSCC", "SBRT"} <= set(g)
