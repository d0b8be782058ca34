from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import (
    AccelerationProgramme,
    AgendaItem,
    Camp,
    CampInvitation,
    CampRegistration,
    FundingOpportunity,
    HelpMessage,
    HelpRequest,
    ImprovementAction,
    Pitch,
    PitchFeedback,
    SupportSlot,
)


@admin.register(AccelerationProgramme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "call", "starts_on", "months")


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class PitchInline(admin.TabularInline):
    model = Pitch
    extra = 0
    raw_id_fields = ("proposal",)


@admin.register(Camp)
class CampAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "place", "capacity", "registration_open")
    inlines = [AgendaInline, PitchInline]


@admin.register(CampRegistration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: approvals go through the portal (capacity, account, notification)."""

    list_display = ("full_name", "email", "kind", "camp", "status", "created_at")
    list_filter = ("status", "kind", "camp")
    search_fields = ("full_name", "email", "organisation")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(CampInvitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "camp", "sent_at")
    readonly_fields = ("token",)


@admin.register(PitchFeedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("pitch", "author", "clarity", "impact", "sustainability", "team")

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(admin.TabularInline):
    model = HelpMessage
    extra = 0
    readonly_fields = ("author", "from_team", "text", "attachment", "created_at")
    can_delete = False


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ("subject", "proposal", "topic", "status", "assignee", "created_at")
    list_filter = ("status", "topic")
    search_fields = ("subject",)
    inlines = [MessageInline]
    readonly_fields = ("proposal", "opened_by", "report")


@admin.register(SupportSlot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "minutes", "place", "proposal")
    readonly_fields = ("proposal", "report", "booked_by", "booked_at")


@admin.register(ImprovementAction)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("action", "proposal", "status", "due_on")


@admin.register(FundingOpportunity)
class OpportunityAdmin(TranslationAdmin):
    list_display = ("title", "funder", "kind", "deadline", "is_published")
    list_filter = ("kind", "is_published")
    search_fields = ("title_it", "title_en", "funder")
    filter_horizontal = ("themes", "districts")
    readonly_fields = ("is_published", "published_at")
