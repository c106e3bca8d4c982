from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from calportal.accounts.decorators import permission_required
from calportal.accounts.models import User
from calportal.organisations import services
from calportal.organisations.filters import OrganisationFilter
from calportal.organisations.forms import OrganisationForm
from calportal.organisations.models import Organisation

PAGE_SIZE = 25


@permission_required("organisations.view_organisation")
def organisation_list(request):
    organisation_filter = OrganisationFilter(request.GET, queryset=Organisation.objects.all())
    page = Paginator(organisation_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/list.html",
        {"filter": organisation_filter, "page": page},
    )


@permission_required("organisations.view_organisation")
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    coordinators = (
        User.objects.filter(organisation=organisation).order_by("full_name")
        if request.user.has_perm("accounts.view_user")
        else User.objects.none()
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "coordinators": coordinators,
            "team_members": organisation.team_members.order_by("-end_date", "full_name"),
        },
    )


@permission_required("organisations.add_organisation")
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organisation “%(name)s” added.") % {"name": organisation})
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form})


@permission_required("organisations.change_organisation")
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})
