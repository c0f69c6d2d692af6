"""Ready-made surveys from the seed guides, in plain English, with easy-read wording.

Each template is a list of sections, each a list of questions. `create_from_template` in
services turns one into a draft survey that staff can then change.
"""

from dataclasses import dataclass, field

from .models import QuestionKind as K

AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
GOOD = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor"]
YES_NO = ["Yes", "No"]
YES_PARTLY_NO = ["Yes", "Partly", "No"]


@dataclass(frozen=True)
class Q:
    kind: str
    text: str
    easy_read: str = ""
    options: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    introduction: str
    easy_read_introduction: str
    sections: tuple[tuple[str, tuple[Q, ...]], ...] = field(default=())


PARTICIPANT_EXPERIENCE = Template(
    key="participant_experience",
    title="Your experience of being involved",
    introduction=(
        "You took part in helping us commission a service. We want to know what it was like "
        "for you, so that we can make taking part better next time. It takes about 5 minutes."
    ),
    easy_read_introduction=(
        "You helped us choose a service. Tell us what it was like. This helps us do better."
    ),
    sections=(
        (
            "Before you started",
            (
                Q(
                    K.SCALE,
                    "We told you enough about what taking part would involve",
                    "We told you what you would do",
                    tuple(AGREE),
                    required=True,
                ),
                Q(
                    K.SCALE,
                    "We told you early enough when meetings and panels would be",
                    "We told you the dates in time",
                    tuple(AGREE),
                ),
                Q(
                    K.SINGLE_CHOICE,
                    "Did you get the support you needed to take part?",
                    "Did you get the help you needed?",
                    tuple(YES_PARTLY_NO),
                ),
            ),
        ),
        (
            "Taking part",
            (
                Q(
                    K.MATRIX,
                    "How good was each of these?",
                    "Was each of these good or bad?",
                    tuple(GOOD),
                    rows=(
                        "Training and preparation",
                        "The papers you were sent",
                        "Payment and expenses",
                    ),
                ),
                Q(
                    K.SCALE,
                    "Your views were listened to and taken seriously",
                    "People listened to you",
                    tuple(AGREE),
                    required=True,
                ),
                Q(
                    K.SINGLE_CHOICE,
                    "Were you told what happened as a result of your involvement?",
                    "Did we tell you what happened after?",
                    tuple(YES_PARTLY_NO),
                ),
            ),
        ),
        (
            "What you think",
            (
                Q(
                    K.LONG_TEXT,
                    "What worked well for you?",
                    "What was good?",
                ),
                Q(
                    K.LONG_TEXT,
                    "What should we do differently next time?",
                    "What should we change?",
                ),
                Q(
                    K.SINGLE_CHOICE,
                    "Would you like to be involved again?",
                    "Do you want to help again?",
                    ("Yes", "Maybe", "No"),
                ),
            ),
        ),
    ),
)

SERVICE_USER_SATISFACTION = Template(
    key="service_user_satisfaction",
    title="What do you think of the service?",
    introduction=(
        "We pay for this service. Tell us what you think of it, so that we can check it is "
        "doing what it should and improve it. It takes about 5 minutes."
    ),
    easy_read_introduction="Tell us what you think of the service. This helps us make it better.",
    sections=(
        (
            "The service",
            (
                Q(
                    K.SCALE,
                    "Overall, how good is the service?",
                    "Is the service good?",
                    tuple(GOOD),
                    required=True,
                ),
                Q(
                    K.MATRIX,
                    "How much do you agree with each of these?",
                    "Do you agree?",
                    tuple(AGREE),
                    rows=(
                        "Staff treat me with dignity and respect",
                        "I get help when I need it",
                        "I have a say in the support I get",
                        "It is easy to get in touch",
                    ),
                ),
                Q(
                    K.MULTIPLE_CHOICE,
                    "Which parts of the service do you use?",
                    "What do you use?",
                    (
                        "Advice and information",
                        "Breaks from caring",
                        "Groups and activities",
                        "Something else",
                    ),
                ),
                Q(
                    K.LONG_TEXT,
                    "What is the one thing that would make the service better for you?",
                    "What would make it better?",
                ),
            ),
        ),
    ),
)

MYSTERY_SHOPPING = Template(
    key="mystery_shopping",
    title="Mystery shopping checklist",
    introduction=(
        "Use this checklist each time you contact or visit the service as a mystery shopper. "
        "Fill it in straight after, while you remember."
    ),
    easy_read_introduction="Fill this in after you visit or call the service.",
    sections=(
        (
            "Your visit or call",
            (
                Q(K.DATE, "When did you contact the service?", "What day was it?", required=True),
                Q(
                    K.SINGLE_CHOICE,
                    "How did you contact the service?",
                    "How did you get in touch?",
                    ("Phone", "Visit", "Email", "Website"),
                    required=True,
                ),
                Q(
                    K.NUMBER,
                    "How many minutes did you wait before someone helped you?",
                    "How long did you wait, in minutes?",
                ),
            ),
        ),
        (
            "What happened",
            (
                Q(
                    K.MATRIX,
                    "Did the service do each of these?",
                    "Did they do this?",
                    tuple(YES_PARTLY_NO),
                    rows=(
                        "Greeted you in a friendly way",
                        "Gave clear information",
                        "Offered support with access needs",
                        "Told you what would happen next",
                    ),
                ),
                Q(
                    K.SCALE,
                    "Overall, how was your experience?",
                    "Was it good?",
                    tuple(GOOD),
                    required=True,
                ),
                Q(
                    K.LONG_TEXT,
                    "Describe anything that stood out, good or bad",
                    "What did you notice?",
                ),
            ),
        ),
    ),
)

QUALITY_OF_ENGAGEMENT = Template(
    key="quality_of_engagement",
    title="How well were you involved?",
    introduction=(
        "You took part in a meeting, workshop or group about a service. Tell us how well we "
        "involved you. It takes about 3 minutes."
    ),
    easy_read_introduction="You came to a meeting. Tell us if we involved you well.",
    sections=(
        (
            "How well were you involved?",
            (
                Q(
                    K.MATRIX,
                    "How much do you agree with each of these?",
                    "Do you agree?",
                    tuple(AGREE),
                    rows=(
                        "I understood what could and could not change",
                        "I could say what I thought",
                        "The venue and time suited me",
                        "I was treated as an equal",
                    ),
                ),
                Q(
                    K.SINGLE_CHOICE,
                    "How much do you think you influenced the decision?",
                    "Did you change what was decided?",
                    ("A lot", "A little", "Not at all", "I do not know yet"),
                    required=True,
                ),
                Q(
                    K.RANKING,
                    "Put these in order of how much they matter to you, most important first",
                    "What matters most to you?",
                    (
                        "Being listened to",
                        "Being paid for my time",
                        "Hearing what happened",
                        "Meeting other people",
                    ),
                ),
                Q(K.LONG_TEXT, "Is there anything else you want to tell us?", "Anything else?"),
            ),
        ),
    ),
)

TEMPLATES: dict[str, Template] = {
    template.key: template
    for template in (
        PARTICIPANT_EXPERIENCE,
        SERVICE_USER_SATISFACTION,
        MYSTERY_SHOPPING,
        QUALITY_OF_ENGAGEMENT,
    )
}
