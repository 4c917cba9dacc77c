"""The public Atom feed of the stories: the latest published ones whose département agreed to
open data (``Story.share_open_data``); nothing else leaves numeduc without an account."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from . import data, presenters
from .models import Story


class OpenDataStoriesFeed(Feed):
    feed_type = Atom1Feed
    title = "numeduc — réussites des départements"
    subtitle = (
        "Les dernières réussites publiées par les départements qui ont accepté de les ouvrir à tous "
        "(données ouvertes)."
    )
    language = "fr"

    def link(self) -> str:
        return reverse("stories:index")

    def feed_url(self) -> str:
        return reverse("stories:feed")

    def items(self) -> list[Story]:
        return data.open_data_feed()

    def item_title(self, item: Story) -> str:
        return f"{item.departement.name} — {item.title}"

    def item_description(self, item: Story) -> str:
        # Atom's summary is HTML: the plain text escaped, its paragraphs kept.
        return linebreaks(presenters.feed_description(item), autoescape=True)

    def item_link(self, item: Story) -> str:
        return reverse("stories:story", args=[item.pk])

    def item_pubdate(self, item: Story):
        return item.published_at

    def item_updateddate(self, item: Story):
        return item.updated_at

    def item_author_name(self, item: Story) -> str:
        # The département speaks, not the person who typed it: no name of an account leaves numeduc.
        return item.departement.name

    def item_categories(self, item: Story) -> list[str]:
        return [f"département {item.departement.code}"]
