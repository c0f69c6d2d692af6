"""Awards: the decision on each lot of a tender, its sign-off and standstill, what the lay
evaluators are told afterwards, and what they said about taking part.

The panel's preferred bid is the bid ranked first on moderated totals (weighted quality plus
price score) when the award is recorded; it is kept on the award so later changes cannot
rewrite what the panel preferred. An award that goes elsewhere (or where bids tied for first
place) needs a written reason, which the lay evaluators are told.
"""

from django.conf import settings
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.procurement.models import Bid, Evaluator, Lot, Tender

from .working_days import DEFAULT_STANDSTILL_DAYS


class Award(Audited):
    """The decision to award one lot of a tender to one bid."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="awards")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="awards")
    winning_bid = models.ForeignKey(
        Bid, on_delete=models.PROTECT, related_name="awards", verbose_name="Winning bid"
    )
    # Empty when two or more bids tied for first place.
    panel_preferred_bid = models.ForeignKey(
        Bid, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason_not_preferred = models.TextField(
        "Why the award is not to the bid ranked first",
        blank=True,
        help_text="Needed when the award goes to a bid the panel's marks did not put first "
        "on its own. Lay evaluators are told this reason.",
    )
    standstill_days = models.PositiveSmallIntegerField(
        "Standstill period in working days", default=DEFAULT_STANDSTILL_DAYS
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField("Decision note", blank=True)
    notice_date = models.DateField("Contract award notice published on", null=True, blank=True)
    standstill_ends_on = models.DateField(null=True, blank=True)
    contract_entered_on = models.DateField("Contract entered into on", null=True, blank=True)
    lay_evaluators_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "lot__number"]
        constraints = [models.UniqueConstraint(fields=["lot"], name="awards_one_award_per_lot")]

    def __str__(self) -> str:
        return f"Award of lot {self.lot_id}"

    @property
    def goes_to_preferred_bid(self) -> bool:
        return self.winning_bid_id == self.panel_preferred_bid_id


class FeedbackSession(Audited):
    """A session after the award where lay evaluators say what taking part was like."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="feedback_sessions")
    held_on = models.DateField("Date held")
    summary = models.TextField("What came out of it", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"Feedback session on {self.held_on:%d %B %Y}"


class FeedbackComment(Audited):
    """What one person said at a feedback session: with their evaluator label, or anonymous
    if they chose."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(FeedbackSession, on_delete=models.CASCADE, related_name="comments")
    # Empty when the person chose to be anonymous.
    evaluator = models.ForeignKey(
        Evaluator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField("What they said")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment #{self.pk}"
