from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

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
