"""Checks of the chart contract, for tests (ours and the pages' that embed charts).

from numeduc.charts.validate import check_chart
root = check_chart(chart)   # raises ChartContractError, returns the parsed <svg>
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ._svg import DEMO_LABEL
from .model import Chart

NS = "{http://www.w3.org/2000/svg}"


class ChartContractError(AssertionError):
    """A chart breaks the accessibility / markup contract."""


def _require(condition: object, message: str) -> None:
    if not condition:
        raise ChartContractError(message)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def find_all(root: ET.Element, tag: str, css_class: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{NS}{tag}")
    if css_class is None:
        return list(found)
    return [el for el in found if css_class in (el.get("class") or "").split()]


def with_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [el for el in root.iter() if css_class in (el.get("class") or "").split()]


def all_text(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{NS}text"))


def check_chart(chart: Chart) -> ET.Element:
    """Parse the SVG and check the contract every chart honours; returns the root."""
    try:
        root = parse(chart.svg)
    except ET.ParseError as error:
        raise ChartContractError(f"SVG invalide : {error}") from error
    _require(root.tag == f"{NS}svg", "la racine n'est pas <svg>")
    _require(root.get("role") == "img", 'role="img" manquant')
    _require(root.get("width") == "100%", 'width="100%" manquant')
    _require(root.get("viewBox", "").startswith("0 0 "), "viewBox manquant")
    _require(root.get("height") is None, "hauteur fixe")
    ids = (root.get("aria-labelledby") or "").split()
    _require(len(ids) == 2, "aria-labelledby doit citer title et desc")
    title_el = root.find(f"{NS}title")
    desc_el = root.find(f"{NS}desc")
    _require(title_el is not None and desc_el is not None, "<title> ou <desc> manquant")
    assert title_el is not None and desc_el is not None  # for the type checker: _require raised otherwise
    _require([title_el.get("id"), desc_el.get("id")] == ids, "ids de title/desc non référencés")
    _require(title_el.text == chart.title, "titre différent")
    _require(desc_el.text == chart.description, "description différente")
    _require(chart.title.strip() != "", "titre vide")
    _require(chart.description[-1:] in (".", "!", "?", "…"), "la description n'est pas une phrase")
    all_ids = [el.get("id") for el in root.iter() if el.get("id")]
    _require(len(all_ids) == len(set(all_ids)), "ids en double")
    chart_id = root.get("id") or ""
    _require(all(str(i).startswith(chart_id) for i in all_ids), "id sans le préfixe du graphique")
    demo_groups = with_class(root, "nc-demo")
    if chart.demo:
        _require(DEMO_LABEL in chart.svg and len(demo_groups) == 1, "mention de démonstration absente")
        _require(DEMO_LABEL in chart.table.caption, "légende du tableau sans mention de démonstration")
    else:
        _require(DEMO_LABEL not in chart.svg and not demo_groups, "mention de démonstration en trop")
    _require("<script" not in chart.svg, "<script> dans le SVG")
    for row in chart.table.rows:
        _require(len(row) == len(chart.table.headers), f"ligne de tableau de mauvaise longueur : {row}")
        _require(all(isinstance(cell, str) for cell in row), "cellule non textuelle")
    try:
        ET.fromstring(chart.table.to_html())
    except ET.ParseError as error:
        raise ChartContractError(f"tableau HTML invalide : {error}") from error
    return root
