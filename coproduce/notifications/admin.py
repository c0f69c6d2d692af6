from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """For support staff: what was sent is read in the outbox; here only how it went."""

    list_display = ["pk", "organisation", "topic", "route", "sent_as", "status", "created_at"]
    list_filter = ["organisation", "status", "route", "backend"]
    list_select_related = ["organisation"]
    search_fields = ["key", "topic", "provider_reference"]
    # Personal details stay out of the admin's forms; the outbox shows them to those allowed.
    exclude = ["recipient", "recipient_name", "subject", "body", "easy_read", "link", "outcome"]
    readonly_fields = [
        "organisation",
        "person",
        "key",
        "backend",
        "provider_reference",
        "provider_status",
        "attempts",
        "last_error",
        "sent_by",
        "done_by",
        "format_done_by",
        "sent_at",
        "done_at",
    ]
