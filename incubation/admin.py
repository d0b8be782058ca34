from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import (
    Attendance,
    Deliverable,
    Lab,
    Material,
    ProgressEntry,
    Session,
    Submission,
    TutorAssignment,
    Workshop,
)


class WorkshopInline(TranslationTabularInline):
    model = Workshop
    extra = 0


@admin.register(Lab)
class LabAdmin(TranslationAdmin):
    list_display = ("name", "call", "incubator_name", "starts_on", "ends_on")
    inlines = [WorkshopInline]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(TranslationAdmin):
    list_display = ("number", "title", "lab")
    list_filter = ("lab",)
    inlines = [SessionInline, DeliverableInline]


admin.site.register(Material)
admin.site.register(TutorAssignment)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("deliverable", "proposal", "version", "review", "uploaded_at")
    list_filter = ("review",)


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ("workshop", "proposal", "author", "notes_staff_only")


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("session", "proposal", "present_count")
