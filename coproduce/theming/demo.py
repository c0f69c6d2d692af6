"""Demo themes for `coproduce load_demo`: the surveys demo's comments on "What should we do
differently next time?", with themes an officer has named and described and example comments
tagged. Nothing is embedded or classified here (that loads the model): the demo officer
presses "Give every comment its themes" and watches the job. Running it again changes
nothing."""

from coproduce.accounts.models import User
from coproduce.surveys.models import Answer, QuestionKind, Survey

from . import services
from .models import Theme, ThemeSet

QUESTION = "What should we do differently next time?"
# Name, what it covers, distinctive words, and comments that are clear examples of it.
THEMES = [
    (
        "Papers: too late, too long",
        "Meeting papers sent too close to the meeting, too long, or full of jargon.",
        ["papers", "earlier", "jargon", "acronyms"],
        [
            "Send the papers earlier. A week is not enough to read them with everything else "
            "going on.",
            "The papers were far too long and full of jargon.",
            "Some officers used acronyms nobody explained.",
        ],
    ),
    (
        "Hearing what happened",
        "People want to know what was decided and what difference their views made.",
        ["happened", "difference", "decided", "final specification"],
        [
            "Tell us what happened in the end. I never heard what was decided.",
            "We did not find out what difference our views made.",
            "Let us see the final specification so we can check our ideas are in it.",
        ],
    ),
    (
        "Payment and expenses",
        "Being paid and claiming expenses: how quickly and how easily.",
        ["pay", "expenses form", "claiming"],
        [
            "Pay people on the day rather than weeks later.",
            "The expenses form was confusing and I gave up on claiming.",
        ],
    ),
    (
        "Meeting times and notice",
        "When meetings are held, how much notice people get, and ways to take part remotely.",
        ["meetings", "notice", "online", "school day"],
        [
            "Meetings during the school day are impossible for working parents.",
            "Hold some meetings online so I do not need childcare.",
            "More notice of dates please, two weeks is too short.",
        ],
    ),
    (
        "The room",
        "Whether the venue suits everyone, including young people who need a quiet space.",
        ["room", "quiet", "noisy"],
        [
            "The room was too hot and noisy for my son.",
            "Have a quiet room for young people who need a break.",
        ],
    ),
]


def load(survey: Survey, users: dict[str, User]) -> ThemeSet | None:
    question = survey.questions.filter(kind=QuestionKind.LONG_TEXT, text=QUESTION).first()
    if question is None:
        return None
    existing = ThemeSet.objects.filter(question=question).first()
    if existing is not None:
        return existing
    officer = users.get("fran.facilitator")
    theme_set = services.theme_set_for(question, officer)
    answers = services.answers_to_theme(theme_set)
    for label, description, keywords, examples in THEMES:
        theme = services.save_theme(
            Theme(theme_set=theme_set, label=label, description=description, keywords=keywords)
        )
        # The first comment of each wording people used (many wrote the same).
        first: list[Answer] = [a for a in (answers.filter(text=t).first() for t in examples) if a]
        for answer in first:
            services.tag_example(theme, answer, officer)
        theme.quotes.set(first)
    return theme_set
