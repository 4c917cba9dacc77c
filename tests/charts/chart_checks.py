"""Shared checks for every chart's SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET


NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>&"'


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


def check_accessible(chart) -> ET.Element:
    """The contract every chart honours; returns the parsed root."""
    root = parse(chart.svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("height") is None
    ids = root.get("aria-labelledby").split()
    assert len(ids) == 2
    title_el = root.find(f"{NS}title")
    desc_el = root.find(f"{NS}desc")
    assert title_el is not None and desc_el is not None
    assert [title_el.get("id"), desc_el.get("id")] == ids
    assert title_el.text == chart.title
    assert desc_el.text == chart.description
    assert chart.description.endswith(".")
    all_ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(all_ids) == len(set(all_ids)), "duplicate ids"
    demo_groups = with_class(root, "nc-demo")
    if chart.demo:
        assert "données de démonstration" in chart.svg
        assert len(demo_groups) == 1
        assert "données de démonstration" in chart.table.caption
    else:
        assert "données de démonstration" not in chart.svg
        assert demo_groups == []
    assert "<script" not in chart.svg
    for row in chart.table.rows:
        assert len(row) == len(chart.table.headers)
        assert all(isinstance(cell, str) for cell in row)
    # the table renders as HTML that parses too
    ET.fromstring(chart.table.to_html())
    return root


