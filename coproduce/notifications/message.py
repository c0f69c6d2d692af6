"""What a message says, before it is fitted to a person's channel and format."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """`body` is plain text, paragraphs separated by a blank line. It must make sense on its
    own in an email, a text message, a letter and read aloud on the phone.

    `easy_read` is the same message in short sentences, one idea each (None or empty when
    there is no easy read version: people who need one get the standard body, and the outbox
    says so); `easy_read_pictures`
    holds a picture for the sentence at the same place (a `data:` URL or a static file's URL),
    with `easy_read_alts` describing each. `link` is added at the end (never shortened).
    `sign_off` closes letters, one line each, for example "Fran Hughes\\nInvolvement team".
    """

    subject: str
    body: str
    easy_read: Sequence[str] | None = None
    easy_read_pictures: Sequence[str] = ()
    easy_read_alts: Sequence[str] = ()
    link: str = ""
    sign_off: str = ""
