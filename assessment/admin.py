from collections import defaultdict

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import (
    AssessmentRound,
    Assignment,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    DecisionItem,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class CommitteeInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    raw_id_fields = ("assessor",)


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(TranslationAdmin):
    list_display = ("title", "call", "kind", "version_number", "opens_at", "closes_at", "quota")
    list_filter = ("kind", "call")
    inlines = [CriterionInline, CommitteeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The criteria, the way of combining or the threshold may have changed: the kept ranking again.
        services.rebuild_ranking(form.instance)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ("criterion", "value", "comment")
    can_delete = False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("round", "proposal", "assessor", "status", "submitted_at")
    list_filter = ("status", "round")
    raw_id_fields = ("proposal", "assessor", "assigned_by")
    inlines = [ScoreInline]

    def has_change_permission(self, request, obj=None):
        return False  # changes go through the services (audited)

    # An assignment added or deleted here goes around the services: the kept ranking follows.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_ranking(obj.round, [obj.proposal_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.refresh_ranking(obj.round, [obj.proposal_id])

    def delete_queryset(self, request, queryset):
        touched = defaultdict(set)
        for round_id, proposal_id in queryset.values_list("round_id", "proposal_id"):
            touched[round_id].add(proposal_id)
        super().delete_queryset(request, queryset)
        for rnd in AssessmentRound.objects.filter(pk__in=touched):
            services.refresh_ranking(rnd, touched[rnd.pk])


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ("round", "proposal", "assessor", "has_conflict", "declared_at")
    list_filter = ("has_conflict", "round")

    def has_change_permission(self, request, obj=None):
        return False


class DecisionItemInline(admin.TabularInline):
    model = DecisionItem
    extra = 0
    can_delete = False
    readonly_fields = ("proposal", "outcome", "rank", "combined_score", "grant_amount")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("round", "decided_by", "decided_at", "published_at")
    readonly_fields = ("round", "decided_by", "decided_at", "ranking", "published_at", "published_by")
    inlines = [DecisionItemInline]
