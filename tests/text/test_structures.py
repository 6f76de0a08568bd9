def test_issue_example(ex):
    out = ex(
        "What is the best course of treatment for a patient with progressive soft tissue metastasis, bony destruction "
        "of the right sacrum, and infiltration of the right S1-3 neuroforamina, posterior wall of the sacral canal, "
        "right sacroiliac (SI) joint, and right ilium?"
    )
    assert out["lesions.0.region"] == "sacrum"
    assert out["lesions.0.levels"] == ["S1", "S2", "S3"]
    assert out["lesions.0.side"] == "right"
    assert set(out["lesions.0.structures"]) == {
        "neuroforamina",
        "sacral_canal_posterior_wall",
        "sacroiliac_joint",
        "ilium",
    }
    assert out["primary.site"] == "soft_tissue"
    assert out["primary.status"] == "progressive"


def test_spared_structure_is_not_involved(ex):
    out = ex("Lytic metastasis of the right acetabulum. The right sacroiliac joint is spared.")
    assert out["lesions.0.structures"] == ["acetabulum"]


def test_long_bone_lesion(ex):
    out = ex("Lytic lesion in the left proximal femur, intertrochanteric, with cortical destruction.")
    assert out["lesions.0.region"] == "femur"
    assert out["lesions.0.side"] == "left"
    assert set(out["lesions.0.structures"]) == {"peritrochanteric", "cortex"}


def test_primary_bone_is_not_a_lesion(ex):
    out = ex("Osteosarcoma of the left distal femur with a new L4 metastasis.")
    assert out["lesions.0.levels"] == ["L4"]
    assert "lesions.1.region" not in out


def test_side_conflict_is_reported():
    from tumorboard.text import extract

    ex = extract("Lytic T9 metastasis with left pedicle involvement. The right pedicle is destroyed by the T9 lesion.")
    assert ex.case.lesions[0].side is None
    assert any(c.path == "lesions.0.side" for c in ex.conflicts)


def test_collapse_and_alignment(ex):
    out = ex("L1 metastasis with 70% loss of height and kyphosis.")
    assert out["lesions.0.collapse"] == "gt50"
    assert out["lesions.0.alignment"] == "de_novo_deformity"
    out = ex("T6 lytic lesion without collapse. Alignment is preserved.")
    assert out["lesions.0.collapse"] == "none"
    assert out["lesions.0.alignment"] == "normal"


def test_collapse_percentage_in_either_word_order(ex):
    assert ex("L1 vertebral body collapse of 40% with kyphosis.")["lesions.0.collapse"] == "lt50"
    assert ex("T8 height loss of about 60%.")["lesions.0.collapse"] == "gt50"
    assert ex("T5: 30% collapse.")["lesions.0.collapse"] == "lt50"


def test_metastatic_to_a_bone_names_a_lesion(ex):
    out = ex("Metastatic leiomyosarcoma to the sacrum, chemo naive, local RT planned.")
    assert out["primary.histology"] == "leiomyosarcoma"  # 'planned' scopes over 'RT' only
    assert out["lesions.0.region"] == "sacrum"
    assert out.get("history.prior_chemotherapy") is not True  # 'chemo naive' is negated


def test_other_bones_and_pelvic_rami(ex):
    assert ex("Unresectable ischial deposit from metastatic chondrosarcoma.")["lesions.0.region"] == "pelvis"
    assert ex("Painful rib met from breast cancer.")["lesions.0.region"] == "other_bone"
    # a rib head beside a vertebral metastasis is that lesion's extent, not a second lesion
    out = ex("T11 vertebral body metastasis extending into the left costovertebral joint and left rib head.")
    assert "lesions.1.region" not in out
