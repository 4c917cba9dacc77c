from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts import Point
from numeduc.charts import _labels as lab
from numeduc.charts.factor import correlation_circle, scatter
from numeduc.charts.validate import NS, all_text, check_chart, find_all, with_class

EVIL = '<script>&"'


def test_circle_arrows_supplementary_dashed_and_table():
    chart = correlation_circle(
        {"100m": (-0.7747, 0.1870), "Long.jump": (0.7418, -0.3454), EVIL: (0.1, 0.2)},
        supplementary={"Points": (0.9563, -0.0166)},
        dim_labels=("Dim.1 (32,7 %)", "Dim.2 (17,4 %)"),
        id_prefix="cc",
    )
    root = check_chart(chart)
    arrows = with_class(root, "nc-arrow")
    assert len(arrows) == 4
    supp = with_class(root, "nc-supplementary")
    assert len(supp) == 1
    assert supp[0].find(f"{NS}line").get("stroke-dasharray")
    assert all(a.find(f"{NS}line").get("stroke-dasharray") is None for a in arrows if a not in supp)
    # markers referenced exist
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for a in arrows:
        ref = a.find(f"{NS}line").get("marker-end")
        assert ref[5:-1] in ids
    assert chart.table.headers == [
        "Variable",
        "Dim.1 (32,7 %)",
        "Dim.2 (17,4 %)",
        "Qualité sur le plan (cos²)",
        "Statut",
    ]
    assert chart.table.rows[0] == ["100m", "-0,775", "0,187", "0,635", "active"]
    assert chart.table.rows[-1][-1] == "supplémentaire"
    text = all_text(root)
    assert EVIL in text and "Points" in text and "Dim.1 (32,7 %)" in text
    # arrow tip at the coordinates: (x, y) -> centre + r * (x, -y)
    circle = find_all(root, "circle", "nc-unit-circle")[0]
    cx, cy, r = (float(circle.get(k)) for k in ("cx", "cy", "r"))
    line = arrows[0].find(f"{NS}line")  # longest first: Points
    assert abs(float(line.get("x2")) - (cx + 0.9563 * r)) < 0.1
    assert abs(float(line.get("y2")) - (cy + 0.0166 * r)) < 0.1


def test_circle_demo():
    chart = correlation_circle({"a": (0.5, 0.5)}, demo=True, id_prefix="d")
    check_chart(chart)
    assert "données de démonstration" in chart.svg


def test_scatter_groups_markers_and_table():
    pts = [
        Point("SEBRLE", 0.79, 0.77, "Decastar"),
        Point("Clay", 3.9, 0.84, "OlympicG"),
        Point(EVIL, -1.2, -2.0, None),
        Point("nan", float("nan"), 1.0, "Decastar"),
    ]
    chart = scatter(pts, id_prefix="sc", group_header="Compétition")
    root = check_chart(chart)
    assert len(with_class(root, "nc-point")) == 3  # NaN point left out
    assert chart.table.headers == ["Individu", "Dim.1", "Dim.2", "Compétition"]
    assert chart.table.rows[0] == ["SEBRLE", "0,790", "0,770", "Decastar"]
    assert chart.table.rows[2][3] == "Sans groupe"
    legend = "".join(with_class(root, "nc-legend")[0].itertext())
    assert "Decastar" in legend and "OlympicG" in legend and "Sans groupe" in legend
    assert EVIL in all_text(root)
    zero_lines = with_class(root, "nc-zero")
    assert len(zero_lines) == 2


def test_scatter_equal_scale():
    root = check_chart(scatter([Point("a", 0, 0), Point("b", 4, 1), Point("c", -1, -1)], id_prefix="eq"))
    a, b, c = (p.find(f"{NS}circle") for p in with_class(root, "nc-point"))
    ax, ay = float(a.get("cx")), float(a.get("cy"))
    bx, by = float(b.get("cx")), float(b.get("cy"))
    cx, cy = float(c.get("cx")), float(c.get("cy"))
    # same pixels per unit on both axes
    assert abs((bx - ax) / 4 - (ay - by) / 1) < 0.2
    assert abs((ax - cx) - (cy - ay)) < 0.2


def test_crowded_labels_are_dropped_and_counted():
    pts = [Point(f"point numéro {i}", i * 0.001, 0.0) for i in range(30)]
    root = check_chart(scatter(pts, id_prefix="crowd"))
    shown = with_class(root, "nc-point-label")
    assert 1 <= len(shown) < 30
    assert f"{30 - len(shown)} étiquettes masquées" in all_text(root)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 500), st.floats(0, 400), st.text(min_size=1, max_size=12)),
        min_size=1,
        max_size=25,
    )
)
def test_placed_labels_never_overlap(items):
    placed = lab.place([(x, y, t, 11.0, None) for x, y, t in items], bounds=(0, 0, 500, 400))
    boxes = [p.box for p in placed if p is not None]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert lab._overlap(boxes[i], boxes[j]) == 0
    assert placed[0] is not None  # the first label always finds room


def test_gallery_pca_matches_factominer():
    """Numbers printed by R's FactoMineR::PCA(decathlon, quanti.sup = 11:12, quali.sup = 13)."""
    from numeduc.charts.gallery import _decathlon_pca

    _, eig, variables, supp, _ = _decathlon_pca()
    assert abs(eig[0] - 3.27190554) < 1e-6 and abs(eig[9] - 0.18222749) < 1e-6
    assert abs(variables["100m"][0] - -0.77471983) < 1e-6
    assert abs(variables["Discus"][1] - 0.6063134) < 1e-6
    assert abs(supp["Points"][0] - 0.9561543) < 1e-6
    assert abs(supp["Rank"][1] - 0.05139812) < 1e-6
