from django.contrib import admin

from .models import (
    AdmissibilityCheck,
    Attachment,
    BudgetLine,
    Invitation,
    Membership,
    Organisation,
    Proposal,
    ProposalVersion,
    PublicProject,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "legal_form", "codice_fiscale", "city")
    search_fields = ("legal_name", "codice_fiscale", "partita_iva")
    inlines = [MembershipInline]


class VersionInline(admin.TabularInline):
    model = ProposalVersion
    fields = ("number", "title", "frozen", "requested_grant")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read-only for superusers: the status changes only through projects.services."""

    list_display = ("protocol_number", "organisation", "call", "status", "submitted_at")
    list_filter = ("call", "status")
    search_fields = ("protocol_number", "organisation__legal_name", "versions__title")
    readonly_fields = ("status", "protocol_seq", "protocol_number", "submitted_at", "withdrawn_at")
    inlines = [VersionInline]


admin.site.register(Invitation)
admin.site.register(BudgetLine)
admin.site.register(Attachment)
admin.site.register(AdmissibilityCheck)


@admin.register(PublicProject)
class PublicProjectAdmin(admin.ModelAdmin):
    list_display = ("slug", "is_published", "featured", "public_grant_amount", "updated_at")
    list_filter = ("is_published", "featured")
    search_fields = ("slug", "summary")
    raw_id_fields = ("proposal",)
