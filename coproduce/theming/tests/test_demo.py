import pytest
from django.core.management import call_command

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.surveys.models import Survey
from coproduce.theming import demo, services
from coproduce.theming.models import ThemeExample, ThemeSet

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("small_embedding")
def test_the_demo_has_named_themes_with_examples_ready_to_assign_and_loads_once() -> None:
    call_command("load_demo")
    theme_set = ThemeSet.objects.get()
    assert theme_set.question.text == demo.QUESTION
    labels = list(theme_set.themes.values_list("label", flat=True))
    assert sorted(labels) == sorted(label for label, *_ in demo.THEMES)
    examples = ThemeExample.objects.select_related("answer")
    assert examples.count() == sum(len(texts) for *_, texts in demo.THEMES)
    assert all(e.answer.question_id == theme_set.question_id for e in examples)
    assert all(theme.quotes.exists() for theme in theme_set.themes.all())
    assert theme_set.classified_at is None  # the demo officer runs that job
    events = AuditEvent.objects.count()
    users = {user.username: user for user in User.objects.all()}
    assert demo.load(Survey.objects.get(questions__theme_set__isnull=False), users) == theme_set
    assert AuditEvent.objects.count() == events
    assert services.classify(theme_set) == services.answers_to_theme(theme_set).count()
