from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "numeduc.web.territories"
    label = "territories"

    def ready(self) -> None:
        # The lowest of numeduc's apps, loaded by every process that can write (server, CLI,
        # tests): every write then changes the data version that cached pages depend on.
        from numeduc.web.caching import track_writes

        track_writes()
