"""Exporters of a simulation: dict (JSON), DataFrame, CSV, xlsx."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from numeduc.budget.model import FAMILIES, cents

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from numeduc.budget.model import Simulation


def _money(value: Decimal) -> float:
    return float(cents(value))


def simulation_to_dict(sim: Simulation) -> dict:
    """JSON-friendly result: amounts in euros rounded to the cent (as floats)."""
    s = sim.scenario
    return {
        "scenario": {
            "name": s.name,
            "label": s.label,
            "strategy": s.strategy,
            "mode": s.mode,
            "horizon": s.horizon,
            "support": s.support,
            "state_cofunding": s.state_cofunding,
            "indirect_costs": s.indirect_costs,
            "cohorts": s.cohorts,
            "origin": s.origin,
        },
        "pupils": int(sim.pupils),
        "total_per_year": _money(sim.total_per_year_exact),
        "per_pupil_per_year": _money(sim.per_pupil_per_year_exact),
        "tco": _money(sim.tco_exact),
        "unit": "€",
        "rounding": "centime le plus proche, demi vers le haut, après calcul exact en décimal",
        "lines": [
            {
                "name": line.name,
                "family": line.family,
                "family_label_fr": FAMILIES[line.family],
                "label_fr": line.label_fr,
                "amount": _money(line.amount_exact),
                "unit": line.unit,
                "source": line.source,
            }
            for line in sim.lines
        ],
        "years": [
            {
                "year": y.year,
                "by_family": {family: _money(amount) for family, amount in y.by_family.items()},
                "total": _money(y.total),
                "discounted_total": _money(y.discounted_total),
                "cumulative": _money(y.cumulative),
            }
            for y in sim.years
        ],
        "fleet": {
            "mobile_devices": sim.fleet.mobile_devices,
            "carts": sim.fleet.carts,
            "equipped_pupils": sim.fleet.equipped_pupils,
            "managed_devices": sim.fleet.managed_devices,
        },
        "parameters": [
            {
                "name": p.name,
                "value": float(p.value),
                "unit": p.unit,
                "label_fr": p.label_fr,
                "source": p.source,
            }
            for p in s.parameters()
        ],
    }


def to_dataframe(sim: Simulation, what: str = "lines") -> pd.DataFrame:
    """``what`` = ``lines`` (one row per line), ``years`` (one row per year, families as
    columns) or ``parameters``. Amounts are floats rounded to the cent."""
    import pandas as pd

    if what == "lines":
        rows = [
            {
                "name": line.name,
                "family": line.family,
                "label_fr": line.label_fr,
                "amount": _money(line.amount_exact),
                "unit": line.unit,
                "source": line.source,
            }
            for line in sim.lines
        ]
        return pd.DataFrame(rows, columns=["name", "family", "label_fr", "amount", "unit", "source"])
    if what == "years":
        families = [f for f in FAMILIES if any(f in y.by_family for y in sim.years)]
        rows = []
        for y in sim.years:
            row = {"year": y.year}
            row.update({f: _money(y.by_family.get(f, Decimal(0))) for f in families})
            row.update(
                {
                    "total": _money(y.total),
                    "discounted_total": _money(y.discounted_total),
                    "cumulative": _money(y.cumulative),
                }
            )
            rows.append(row)
        return pd.DataFrame(rows)
    if what == "parameters":
        return pd.DataFrame(
            [
                {
                    "name": p.name,
                    "value": float(p.value),
                    "unit": p.unit,
                    "label_fr": p.label_fr,
                    "source": p.source,
                }
                for p in sim.scenario.parameters()
            ]
        )
    raise ValueError(f"what doit valoir lines, years ou parameters (reçu {what!r})")


def to_csv(sim: Simulation, path: str | Path | None = None, what: str = "lines") -> str:
    """CSV of ``to_dataframe(sim, what)`` (UTF-8, comma-separated, dot decimals); written to
    ``path`` when given, returned as text in every case."""
    buffer = io.StringIO()
    to_dataframe(sim, what).to_csv(buffer, index=False)
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def to_xlsx(sim: Simulation, path: str | Path) -> Path:
    """Workbook with three sheets: Lignes, Années, Paramètres."""
    import pandas as pd

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        to_dataframe(sim, "lines").to_excel(writer, sheet_name="Lignes", index=False)
        to_dataframe(sim, "years").to_excel(writer, sheet_name="Années", index=False)
        to_dataframe(sim, "parameters").to_excel(writer, sheet_name="Paramètres", index=False)
    return path
