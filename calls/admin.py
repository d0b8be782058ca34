from django.contrib import admin

from .models import FAQ, Call, CallDocument, District, ImpactTheme, Neighbourhood, Programme, TargetGroup


class DocumentInline(admin.TabularInline):
    model = CallDocument
    extra = 0


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "opens_at", "closes_at", "is_published")
    inlines = [DocumentInline, FAQInline]
    filter_horizontal = ("districts", "neighbourhoods", "themes", "target_groups")


admin.site.register(Programme)
admin.site.register(District)
admin.site.register(Neighbourhood)
admin.site.register(ImpactTheme)
admin.site.register(TargetGroup)
