"""Registry of the départements' usage warehouses (the data itself lives on disk)."""

from django.db import models


class UsageWarehouse(models.Model):
    """A département's warehouse of usage logs, and whether its data is synthetic.

    The warehouse folder is ``<USAGE_WAREHOUSE_ROOT>/<code>`` (see ``store.py``); a folder
    filled by ``numeduc usage ingest`` without a row here is still shown (as real data).
    """

    departement = models.OneToOneField(
        "territories.Departement", on_delete=models.CASCADE, related_name="usage_warehouse"
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    note = models.CharField("note", max_length=300, blank=True)
    registered_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "entrepôt des usages"
        verbose_name_plural = "entrepôts des usages"

    def __str__(self) -> str:
        return f"Entrepôt des usages — {self.departement}"
