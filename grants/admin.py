from django.contrib import admin

from .models import Expense, Grant, GrantBudgetLine, Report, Tranche


class BudgetLineInline(admin.TabularInline):
    model = GrantBudgetLine
    extra = 0


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    raw_id_fields = ("report", "paid_by")


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("cup", "title", "call", "amount", "status", "start_date", "end_date")
    list_filter = ("status", "call")
    search_fields = ("cup", "title", "proposal__organisation__legal_name", "proposal__organisation__codice_fiscale")
    raw_id_fields = ("decision_item", "proposal", "awarded_by")
    inlines = [BudgetLineInline, TrancheInline]


class ExpenseInline(admin.TabularInline):
    model = Expense
    extra = 0


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("grant", "kind", "number", "due_date", "status")
    list_filter = ("status", "kind")
    search_fields = ("grant__cup", "grant__title")
    raw_id_fields = ("grant", "submitted_by", "reviewed_by")
    inlines = [ExpenseInline]
