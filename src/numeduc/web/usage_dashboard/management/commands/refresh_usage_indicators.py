"""Recompute the cached usage indicators of départements' warehouses (after an ingestion)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from numeduc.web.usage_dashboard import store


class Command(BaseCommand):
    help = (
        "Recalcule les indicateurs d'usage mis en cache pour les départements donnés "
        "(tous ceux qui ont un entrepôt si aucun code n'est donné)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="Codes de département (ex. 45 2A 974).")

    def handle(self, *args, codes, **options):
        root = store.warehouse_root()
        if not codes:
            codes = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
            codes = [c for c in codes if store.has_warehouse(c)]
        if not codes:
            raise CommandError(f"aucun entrepôt des usages dans {root}")
        for code in codes:
            if not store.has_warehouse(code):
                raise CommandError(
                    f"{store.warehouse_path(code)} : pas d'entrepôt des usages "
                    "(référentiel des collèges non ingéré)"
                )
            data = store.refresh(code)
            self.stdout.write(
                f"{code} : {len(data.indicators)} lignes d'indicateurs, mois {', '.join(data.months) or '—'}"
            )
