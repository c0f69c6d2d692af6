"""The Atom feed of an organisation's newly published decisions."""

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from coproduce.accounts.models import Organisation

from . import selectors
from .models import Decision


class DecisionsFeed(Feed[Decision, Organisation]):
    feed_type = Atom1Feed

    def get_object(self, request: Any, slug: str) -> Organisation:  # type: ignore[override]
        return get_object_or_404(Organisation, slug=slug)

    def title(self, organisation: Organisation) -> str:
        return f"Decisions: {organisation.name}"

    def link(self, organisation: Organisation) -> str:
        return reverse("feedback:log", args=[organisation.slug])

    def subtitle(self, organisation: Organisation) -> str:
        return (
            f"New decisions published by {organisation.name}, and what they did with what "
            "people told us."
        )

    def items(self, organisation: Organisation) -> Any:
        return selectors.newest_published(organisation)

    def item_title(self, item: Decision) -> str:
        return f"{item.title} ({item.project.title})"

    def item_description(self, item: Decision) -> str:
        return f"Decided by {item.decided_by} on {item.decided_on:%-d %B %Y}. {item.summary}"

    def item_link(self, item: Decision) -> str:
        return reverse("feedback:public-decision", args=[item.organisation.slug, item.pk])

    def item_pubdate(self, item: Decision) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Decision) -> datetime.datetime:
        return item.updated_at
