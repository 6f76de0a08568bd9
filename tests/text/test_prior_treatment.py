def test_prior_rt(ex):
    out = ex("Prior RT to L2 45 Gy in 25 fractions, 14 months ago. L2 lytic metastasis.")
    assert out["lesions.0.prior_radiotherapy.dose_gy"] == 45
    assert out["lesions.0.prior_radiotherapy.fractions"] == 25
    assert out["lesions.0.prior_radiotherapy.months_ago"] == 14


def test_sbrt_slash_notation(ex):
    out = ex("Solitary L3 met, prior SBRT 24 Gy/2 fx 11 months ago.")
    assert out["lesions.0.prior_radiotherapy.dose_gy"] == 24
    assert out["lesions.0.prior_radiotherapy.fractions"] == 2


def test_rt_in_a_question_is_not_prior(ex):
    out = ex("T3 metastasis. Would a single 8 Gy fraction be adequate?")
    assert "lesions.0.prior_radiotherapy.dose_gy" not in out


def test_systemic_lines_generic_and_brand(ex):
    out = ex("Previously treated with Votrient, then Keytruda and doxorubicin. On Xgeva and dexamethasone.")
    assert set(out["history.systemic_lines"]) == {"pazopanib", "pembrolizumab", "doxorubicin"}
    assert out["history.prior_chemotherapy"] is True


def test_planned_drug_is_not_a_line(ex):
    out = ex("Received doxorubicin; trabectedin planned.")
    assert out["history.systemic_lines"] == ["doxorubicin"]


def test_surgery_at_lesion(ex):
    out = ex("Pathological fracture of the left humerus. Intramedullary nailing performed.")
    assert out["lesions.0.prior_surgery"] is True


def test_surgery_in_question_is_not_prior(ex):
    out = ex("Lytic lesion of the right acetabulum. Should we fix this?")
    assert "lesions.0.prior_surgery" not in out


def test_unlisted_brand_via_drug_vocabulary(ex):
    out = ex("Previously treated with Lartruvo. Lytic T9 metastasis.")
    # olaratumab is not an anticancer line of the vocabulary: nothing is invented
    assert "history.systemic_lines" not in out


def test_lookup_maps_a_brand_to_a_listed_generic():
    from tumorboard.text.prior_treatment import lookup_drugs

    assert [g for g, _, _ in lookup_drugs("Progressed on Lynparza.", [])] == ["olaparib"]
    assert [g for g, _, _ in lookup_drugs("Progressed on Cometriq.", [])] == ["cabozantinib"]
