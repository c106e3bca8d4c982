"""Staff pages of public tasks (REPORTS.md §9 D8): OPS staff see and keep every task, a partner
coordinator only their own organisation's (another's is "not found"), nobody else any."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from calportal.reports.access import visible_runs

from . import forms, services
from .models import PublicTask

PAGE_SIZE = 25


def task_pages(view):
    """Anonymous visitors are sent to log in; OPS staff (``public_tasks.view_publictask``) get
    ``organisation_id=None`` (every task), a partner coordinator their organisation's id, and
    anyone else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.has_perm("public_tasks.view_publictask"):
            organisation_id = None
        elif user.organisation_id and user.has_perm("public_tasks.manage_own_publictask"):
            organisation_id = user.organisation_id
        else:
            raise PermissionDenied
        return view(request, *args, organisation_id=organisation_id, **kwargs)

    return wrapper


@task_pages
def task_list(request, *, organisation_id):
    """The tasks the user may see, newest first, 25 a page (three queries whatever the page)."""
    tasks = PublicTask.objects.visible_to(request.user).select_related("organisation")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public_tasks/task_list.html", {"page": page})


@task_pages
def task_detail(request, pk: int, *, organisation_id):
    task = get_object_or_404(
        PublicTask.objects.visible_to(request.user).select_related("organisation", "created_by"),
        pk=pk,
    )
    runs = (
        visible_runs(request.user)
        .filter(kind="R6", scope__task=task.pk)
        .order_by("-created_at")[:20]
    )
    may_edit = organisation_id is not None or request.user.has_perm(
        "public_tasks.change_publictask"
    )
    return render(
        request,
        "public_tasks/task_detail.html",
        {
            "task": task,
            "initiatives": task.initiatives.order_by("title"),
            "events": task.events.select_related("initiative").order_by("starts_at"),
            "results": task.results.order_by("position", "pk"),
            "actions": task.actions.select_related("initiative").order_by("position", "pk"),
            "cost_lines": task.cost_lines.select_related("action").order_by(
                "kind", "position", "pk"
            ),
            "runs": runs,
            "may_edit": may_edit,
        },
    )


@task_pages
def task_create(request, *, organisation_id):
    if organisation_id is None and not request.user.has_perm("public_tasks.add_publictask"):
        raise PermissionDenied
    return _task_form(request, PublicTask(), organisation_id)


@task_pages
def task_edit(request, pk: int, *, organisation_id):
    if organisation_id is None and not request.user.has_perm("public_tasks.change_publictask"):
        raise PermissionDenied
    task = get_object_or_404(PublicTask.objects.visible_to(request.user), pk=pk)
    return _task_form(request, task, organisation_id)


def _task_form(request, task: PublicTask, organisation_id: int | None):
    data = request.POST if request.method == "POST" else None
    form = forms.PublicTaskForm(data, instance=task, organisation_id=organisation_id)
    sets = forms.formsets(data, task, organisation_id=organisation_id)
    if data is not None and form.is_valid() and all(s.is_valid() for s in sets.values()):
        try:
            saved = services.public_task_save(
                form=form, formsets=sets, by=request.user, organisation_id=organisation_id
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Public task saved."))
            return redirect(saved)
    return render(
        request,
        "public_tasks/task_form.html",
        {"form": form, "task": task if task.pk else None, **sets},
    )
