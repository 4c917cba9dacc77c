"""The exports of a plan: the French CSV, the workbook, the printable page, who gets them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from numeduc.web.action_plans import data, services
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import College, Departement

DEMO = "données de démonstration"


@pytest.fixture
def plan(users):
    loiret = Departement.objects.get(code="45")
    first_college = College.objects.create(uai="0450001A", name="Collège A", departement=loiret, pupils=300)
    College.objects.create(uai="0450002B", name="Collège B", departement=loiret, pupils=200)
    scenario = Scenario.objects.create(
        departement=loiret, name="Livre blanc", base_preset="livre-blanc-2017", strategy="classe_mobile"
    )
    editor = users["loiret_editor"]
    plan = services.create_plan(loiret, 2024, "Plan numérique 2024", editor)
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    first = services.add_action(
        plan,
        {
            **common,
            "title": "Former les référents",
            "factor": "f07",
            "target_level": 3,
            "running": "1000.50",
            "variant": "minimal",
            "partners": ["dan"],
            "usage_indicator": "monthly_active_rate",
            "usage_profile": "ELEVE",
            "usage_target": 0.6,
            "usage_colleges": [first_college],
        },
        editor,
        baseline_level=1,
    )
    services.add_action(
        plan, {**common, "title": "Câbler les salles", "investment": "50000", "variant": "maximal"}, editor
    )
    services.add_action(plan, {**common, "title": "Équiper les classes", "scenario": scenario}, editor)
    services.set_status(
        first, "en_cours", "Première session le 3 octobre", editor, noted_on=dt.date(2024, 10, 3)
    )
    return plan


def _url(name: str, plan, *args) -> str:
    return reverse(f"action_plans:{name}", args=[plan.pk, *args])


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: French Excel reads the accents
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_the_csv_has_one_row_per_action_in_french(client, users, plan):
    client.force_login(users["loiret_viewer"])
    response = client.get(_url("plan_export", plan, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.search(r'filename="plan-actions-45-2024-2025-\d{8}\.csv"', response["Content-Disposition"])
    header, *rows = _csv_rows(response)
    assert header[:4] == ["Position", "Intitulé", "Action du catalogue", "Facteur visé"]
    assert "Coût par an (€)" in header and header[-1] == "Avertissement"
    assert len(rows) == 3
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    trained = by_title["Former les référents"]
    assert trained["Position"] == "1" and "(f07)" in trained["Facteur visé"]
    assert trained["Niveau de départ"] == "1" and trained["Niveau visé"] == "3"
    assert trained["Fonctionnement (€/an)"] == "1000,50"  # decimal comma
    assert trained["Coût par an (€)"] == "1000,50"
    assert trained["Origine du coût"] == "montants saisis"
    assert trained["Début"] == "2024-09-01" and trained["Fin"] == "2025-06-30"
    assert trained["Statut"] == "En cours" and trained["Variante"] == "Minimale"
    assert trained["Dernière note"] == "Première session le 3 octobre"
    assert trained["Collèges de la cible"] == "0450001A"
    assert "au moins" in trained["Cible d'usage"]
    assert trained["Partenaires"] and trained["Avertissement"] == ""
    cabled = by_title["Câbler les salles"]
    assert cabled["Investissement (€)"] == "50000,00" and cabled["Coût par an (€)"] == "10000,00"
    assert cabled["Facteur visé"] == "" and cabled["Niveau de départ"] == ""
    # An action linked to a budget scenario costs what the scenario's engine says, as on the page.
    linked = by_title["Équiper les classes"]
    cost = data.action_cost(plan.actions.get(title="Équiper les classes"))
    assert cost.source == "scénario « Livre blanc »"
    assert linked["Coût par an (€)"] == str(cost.yearly).replace(".", ",")
    assert linked["Origine du coût"] == cost.source


def test_the_csv_machine_variant_keeps_the_codes(client, users, plan):
    client.force_login(users["loiret_editor"])
    response = client.get(_url("plan_export", plan, "csv") + "?format=csv-machine")
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["status"] == "en_cours" and rows[0]["running"] == "1000.50"


def test_the_workbook_has_actions_variants_and_notes(client, users, plan):
    client.force_login(users["coordinator"])
    response = client.get(_url("plan_export", plan, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Actions", "Variantes", "Notes"]

    actions = list(book["Actions"].iter_rows(values_only=True))
    header = actions[0]
    assert header[:2] == ("Position", "Intitulé") and len(actions) == 4
    first = dict(zip(header, actions[1], strict=True))
    assert first["Intitulé"] == "Former les référents"
    assert first["Fonctionnement (€/an)"] == pytest.approx(1000.5)  # a number, not a string
    assert first["Niveau visé"] == 3
    assert isinstance(first["Début"], dt.datetime) and first["Début"].date() == dt.date(2024, 9, 1)
    assert first["Statut"] == "En cours"

    variants = list(book["Variantes"].iter_rows(values_only=True))
    assert variants[0][:4] == ("Variante", "Actions", "Coût par an (€)", "Par élève et par an (€)")
    by_variant = {row[0]: row for row in variants[1:]}
    linked = data.action_cost(plan.actions.get(title="Équiper les classes")).yearly
    assert by_variant["Minimale"][1:3] == (1, pytest.approx(1000.5))
    assert by_variant["Médiane"][1] == 2
    assert by_variant["Médiane"][2] == pytest.approx(float(Decimal("1000.50") + linked))
    assert by_variant["Maximale"][1] == 3
    assert by_variant["Maximale"][2] == pytest.approx(float(Decimal("11000.50") + linked))
    assert by_variant["Minimale"][3] == pytest.approx(2.0)  # 1 000,50 € / 500 pupils, to the cent

    notes = list(book["Notes"].iter_rows(values_only=True))
    assert notes[0][:5] == ("Action", "Date", "Type", "Statut", "Texte")
    assert len(notes) == 2
    assert notes[1][0] == "Former les référents" and notes[1][2] == "Note de suivi"
    assert notes[1][3] == "En cours" and notes[1][4] == "Première session le 3 octobre"
    assert notes[1][1].date() == dt.date(2024, 10, 3)


def test_the_printable_page_holds_every_action_and_no_tool(client, users, plan):
    client.force_login(users["loiret_editor"])
    response = client.get(_url("plan_print", plan))
    assert response.status_code == 200
    main = _main(response).replace("\u202f", " ").replace("\xa0", " ")
    for title in ("Former les référents", "Câbler les salles", "Équiper les classes"):
        assert title in main
    assert "Plan d'actions du Loiret" in main and "2024-2025" in main
    assert "Première session le 3 octobre" in main and "3 octobre 2024" in main
    assert "du 1er septembre 2024 au 30 juin 2025" in main
    assert "1 000,50 €" in main and "0450001A" in main and "Service éducation" in main
    assert "<form" not in main and "<button" not in main
    assert "Modifier" not in main and "Supprimer" not in main
    assert main.count("<caption>") == 4 and '<th scope="col">' in main
    headings = re.findall(r"<h(\d)", main)
    assert headings[0] == "1" and set(headings[1:]) == {"2"}
    assert DEMO not in main


def test_the_plan_page_links_to_the_exports(client, users, plan):
    client.force_login(users["loiret_viewer"])
    page = client.get(_url("plan", plan)).content.decode()
    for name, args in (("plan_export", ("xlsx",)), ("plan_export", ("csv",)), ("plan_print", ())):
        assert f'href="{_url(name, plan, *args)}"' in page
    assert "Version imprimable" in page and "Tableur (XLSX)" in page


def test_a_demo_plan_is_marked_in_every_export(client, users, plan):
    client.force_login(users["loiret_editor"])
    real_csv = client.get(_url("plan_export", plan, "csv"))
    assert DEMO not in real_csv.content.decode("utf-8-sig")
    assert "demonstration" not in real_csv["Content-Disposition"]
    type(plan).objects.filter(pk=plan.pk).update(is_demo=True)

    response = client.get(_url("plan_export", plan, "csv"))
    assert "-demonstration-" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert all(row[header.index("Avertissement")] == DEMO for row in rows)

    book = openpyxl.load_workbook(io.BytesIO(client.get(_url("plan_export", plan, "xlsx")).content))
    for name in ("Actions", "Variantes", "Notes"):
        values = list(book[name].iter_rows(values_only=True))
        assert values[0][-1] == "Avertissement"
        assert all(row[-1] == DEMO for row in values[1:])

    assert f'<strong class="badge">{DEMO}</strong>' in _main(client.get(_url("plan_print", plan)))


@pytest.mark.parametrize("name", ["csv", "xlsx", "print"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("loiret_viewer", 200),
        ("coordinator", 200),
        ("dan_loiret", 200),
        ("nord_editor", 403),
        ("dan_other", 403),
    ],
)
def test_who_gets_the_exports(client, users, plan, name, who, status):
    url = _url("plan_print", plan) if name == "print" else _url("plan_export", plan, name)
    client.force_login(users[who])
    assert client.get(url).status_code == status


def test_a_shared_plan_is_exported_to_the_other_departements(client, users, plan):
    services.set_plan_consent(plan, True, users["loiret_editor"])
    client.force_login(users["nord_editor"])
    assert client.get(_url("plan_export", plan, "csv")).status_code == 200
    assert client.get(_url("plan_print", plan)).status_code == 200


def test_refusals(client, users, plan):
    for url in (
        _url("plan_export", plan, "csv"),
        _url("plan_export", plan, "xlsx"),
        _url("plan_print", plan),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    client.force_login(users["loiret_editor"])
    assert client.get(_url("plan_export", plan, "pdf")).status_code == 404
    assert client.get(f"/plans/{plan.pk}/export.").status_code == 404
    assert client.get(reverse("action_plans:plan_export", args=[plan.pk + 99, "csv"])).status_code == 404
    assert client.get(reverse("action_plans:plan_print", args=[plan.pk + 99])).status_code == 404
    assert client.get("/plans/99999999999999999999/export.csv").status_code == 404
    assert client.get(_url("plan_export", plan, "csv") + "?format=odt").status_code == 400


def test_an_empty_plan_exports_headers_only(client, users):
    plan = services.create_plan(Departement.objects.get(code="45"), 2025, "Plan vide", users["loiret_editor"])
    client.force_login(users["loiret_editor"])
    header, *rows = _csv_rows(client.get(_url("plan_export", plan, "csv")))
    assert rows == [] and header[0] == "Position"
    book = openpyxl.load_workbook(io.BytesIO(client.get(_url("plan_export", plan, "xlsx")).content))
    assert [row[1] for row in book["Variantes"].iter_rows(min_row=2, values_only=True)] == [0, 0, 0]
    assert "aucune action" in _main(client.get(_url("plan_print", plan)))
