"""The retention pages (PRIVACY.md §1, §6): the table of rules with their periods, what the next
run will do (a dry run), what falls due in the next 30 days, and every past run. The DPO reads
them; the OPS staff who handle data protection change the periods and start dry runs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calportal.accounts.decorators import permission_required
from calportal.privacy import retention
from calportal.privacy.forms_retention import RetentionRuleForm
from calportal.privacy.models import RetentionRule, RetentionRun, RetentionUnit
from calportal.privacy.processing import period_text
from calportal.privacy.rules import ACTION_LABELS, RULES

PAGE_SIZE = 25
DUE_SOON_DAYS = 30


def _rows(rules_by_code: dict) -> list[dict]:
    """The table's rows in the order of PRIVACY.md §1: the rule's wording and its period."""
    rows = []
    for code, spec in RULES.items():
        current = rules_by_code.get(code) or RetentionRule(
            code=code, amount=spec.amount, unit=spec.unit
        )
        rows.append(
            {
                "code": code,
                "spec": spec,
                "action": ACTION_LABELS[spec.action],
                "rule": current,
                "period": period_text(current),
                "editable": current.unit != RetentionUnit.AGREEMENT,
            }
        )
    return rows


def _lines(run: RetentionRun) -> list[tuple]:
    """A run's counts as (label, count), in the table's order."""
    return [(RULES[code].data, run.counts[code]) for code in RULES if code in run.counts]


@require_http_methods(["GET"])
@permission_required("privacy.view_retentionrule")
def rule_table(request):
    rules_by_code = {r.code: r for r in RetentionRule.objects.select_related("updated_by")}
    return render(request, "privacy/retention_rules.html", {"rows": _rows(rules_by_code)})


@require_http_methods(["GET", "POST"])
@permission_required("privacy.change_retentionrule")
def rule_edit(request, code: str):
    if code not in RULES:
        raise Http404
    spec = RULES[code]
    current = RetentionRule.objects.filter(code=code).first() or RetentionRule(
        code=code, amount=spec.amount, unit=spec.unit
    )
    if current.unit == RetentionUnit.AGREEMENT:
        raise Http404  # its date is each agreement's own, set on the project
    form = RetentionRuleForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            rule = form.save(commit=False)
            rule.updated_by = request.user
            rule.save()
        messages.success(request, _("The retention period was changed."))
        return redirect("privacy:retention")
    return render(
        request,
        "privacy/retention_rule_form.html",
        {"form": form, "spec": spec, "action": ACTION_LABELS[spec.action]},
    )


@require_http_methods(["GET", "POST"])
@permission_required("privacy.view_retentionrun")
def dry_run(request):
    """GET: the last dry run's counts. POST (``privacy.run_retention``): a new dry run."""
    if request.method == "POST":
        if not request.user.has_perm("privacy.run_retention"):
            raise PermissionDenied
        result = retention.run(dry_run=True, user=request.user)
        messages.success(request, _("The dry run is done: nothing was changed."))
        return redirect("privacy:retention_run", pk=result.pk)
    last = RetentionRun.objects.filter(dry_run=True).select_related("started_by").first()
    return render(
        request,
        "privacy/retention_dry_run.html",
        {"run": last, "lines": _lines(last) if last else []},
    )


@require_http_methods(["GET"])
@permission_required("privacy.view_retentionrun")
def due_soon(request):
    return render(
        request,
        "privacy/retention_due_soon.html",
        {"items": retention.due_soon(DUE_SOON_DAYS), "days": DUE_SOON_DAYS},
    )


@require_http_methods(["GET"])
@permission_required("privacy.view_retentionrun")
def run_list(request):
    """Every run, newest first, 25 a page (three queries whatever the page)."""
    runs = RetentionRun.objects.select_related("started_by")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.lines = _lines(item)
    return render(request, "privacy/retention_runs.html", {"page": page})


@require_http_methods(["GET"])
@permission_required("privacy.view_retentionrun")
def run_detail(request, pk: int):
    from resources_map.models import Area

    item = get_object_or_404(RetentionRun.objects.select_related("started_by"), pk=pk)
    area_ids = {cell.get("area") for cell in item.small_cells if isinstance(cell.get("area"), int)}
    names = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    special = {"outside": _("Outside the municipality"), "not_given": _("Not given")}
    cells = [
        {
            **cell,
            "area": names.get(cell.get("area")) or special.get(cell.get("area"), cell.get("area")),
        }
        for cell in item.small_cells
    ]
    return render(
        request,
        "privacy/retention_run.html",
        {"run": item, "cells": cells, "lines": _lines(item), "errors": item.error.splitlines()},
    )
