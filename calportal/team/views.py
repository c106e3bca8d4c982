from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from calportal.accounts.decorators import permission_required
from calportal.team import selectors, services
from calportal.team.forms import TeamMeetingForm, TeamMemberForm, TeamTaskForm
from calportal.team.models import TeamMeeting, TeamMember, TeamTask


@permission_required("team.view_teammember", "team.view_teammeeting", "team.view_teamtask")
def workspace(request):
    return render(request, "team/workspace.html", selectors.team_workspace())


@permission_required("team.view_teammeeting")
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(TeamMeeting.objects.select_related("created_by"), pk=pk)
    attendees = meeting.attendees.select_related("organisation").order_by("full_name")
    return render(request, "team/meeting_detail.html", {"meeting": meeting, "attendees": attendees})


@permission_required("team.add_teammeeting")
def meeting_create(request):
    return _meeting_form(request, meeting=None)


@permission_required("team.change_teammeeting")
def meeting_edit(request, pk: int):
    return _meeting_form(request, meeting=get_object_or_404(TeamMeeting, pk=pk))


def _meeting_form(request, *, meeting: TeamMeeting | None):
    """The meeting form, new (``meeting=None``) or edited; the service's refusals (e.g. minutes
    for a day still to come) become form errors."""
    form = TeamMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.team_meeting_save(
                meeting=meeting,
                data=_model_data(form, exclude={"attendees"}),
                attendees=form.cleaned_data["attendees"],
                saved_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect(saved)
    return render(request, "team/meeting_form.html", {"form": form, "meeting": meeting})


@permission_required("team.add_teammember")
def member_create(request):
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = services.team_member_save(data=form.cleaned_data)
        messages.success(request, _("%(name)s added to the team.") % {"name": member})
        return redirect("team:workspace")
    return render(request, "team/member_form.html", {"form": form})


@permission_required("team.change_teammember")
def member_edit(request, pk: int):
    member = get_object_or_404(TeamMember, pk=pk)
    form = TeamMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.team_member_save(member=member, data=form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("team:workspace")
    return render(request, "team/member_form.html", {"form": form, "member": member})


@permission_required("team.change_teamtask")
def task_edit(request, pk: int):
    task = get_object_or_404(TeamTask, pk=pk)
    form = TeamTaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        services.team_task_update(
            task=task,
            description=form.cleaned_data["description"],
            responsible=form.cleaned_data["responsible"],
        )
        messages.success(request, _("Changes saved."))
        return redirect("team:workspace")
    return render(request, "team/task_form.html", {"form": form, "task": task})


def _model_data(form, *, exclude: set[str]) -> dict:
    return {name: value for name, value in form.cleaned_data.items() if name not in exclude}
