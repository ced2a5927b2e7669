"""A case's history is read by people of both languages: what the system wrote on an event (not a person's own
words) is kept as its source text and parameters and read in the reader's language (core.stored)."""

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import ProjectEvent
from tests.worlds.projects import ProjectWorld

pytestmark = pytest.mark.django_db


def test_an_event_the_system_wrote_reads_in_the_readers_language_and_a_persons_words_as_written(client):
    world = ProjectWorld()
    project = world.to_library()
    opened, *_rest, last = ProjectEvent.objects.filter(project=project).order_by("at", "pk")
    assert (opened.comment, opened.comment_key, opened.comment_params) == ("村社申请", "村社申请", {})
    client.force_login(world.county_reviewer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "村社申请" in page

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Applied for by the village" in page
    assert "村社申请" not in page
    events = client.get(reverse("api:project-detail", args=[project.pk])).json()["events"]
    assert events[0]["comment"] == "Applied for by the village"
    assert (last.comment_key, last.comment) == ("纳入项目库", "纳入项目库")  # the system's words for the library step
    with translation.override("en"):
        assert last.comment_shown == "Add to project library"
        # What a person typed is theirs, shown as written in every language.
        assert ProjectEvent(comment="同意，抓紧实施").comment_shown == "同意，抓紧实施"
