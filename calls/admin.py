from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .models import FAQ, Call, CallDocument, District, ImpactTheme, Neighbourhood, Programme, TargetGroup


class DocumentInline(TranslationTabularInline):
    model = CallDocument
    extra = 0


class FAQInline(TranslationStackedInline):
    model = FAQ
    extra = 0


@admin.register(Call)
class CallAdmin(TranslationAdmin):
    list_display = ("title", "year", "opens_at", "closes_at", "is_published")
    inlines = [DocumentInline, FAQInline]
    filter_horizontal = ("districts", "neighbourhoods", "themes", "target_groups")


admin.site.register(Neighbourhood)
# The Italian name and the English one beside it.
admin.site.register([Programme, District, ImpactTheme, TargetGroup], TranslationAdmin)
