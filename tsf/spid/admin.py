from django.contrib import admin

from .models import SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "promoters_need_spid", "changed_at", "changed_by")
    readonly_fields = ("changed_at", "changed_by")
