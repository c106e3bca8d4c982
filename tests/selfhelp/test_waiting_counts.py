"""One definition of a waiting request (new, on the waiting list or contacted: nobody has finished
with it), the same figure on the dashboard, the groups list, the workspace and the figures."""

import re

from django.urls import reverse
from django.utils import translation

from selfhelp import selectors
from selfhelp.models import GroupStatus, JoinRequest, RequestStatus
from tests.selfhelp.conftest import make_member, make_request


def _waiting_requests(group) -> None:
    make_request(group, "Elżbieta", status=RequestStatus.NEW)
    make_request(group, "Stanisław", status=RequestStatus.CONTACTED)
    make_request(group, "Grażyna", status=RequestStatus.DECLINED)
    make_request(group, "Adam", status=RequestStatus.JOINED)


def test_one_new_and_one_contacted_request_count_2_everywhere(login, facilitator, group):
    _waiting_requests(group)
    client = login(facilitator)

    with translation.override("en"):
        dashboard = client.get(reverse("dashboard")).content.decode()
        groups = client.get(reverse("selfhelp:manage_list")).content.decode()
        workspace = client.get(reverse("selfhelp:workspace", args=[group.pk])).content.decode()
        figures = client.get(reverse("selfhelp:figures")).content.decode()

    assert "2 requests waiting" in dashboard
    assert "2 requests waiting" in workspace
    row = re.search(r'<th scope="row"[^>]*>' + re.escape(group.name) + r".*?</tr>", groups, re.S)
    assert re.findall(r'<td class="text-end">(\d+)</td>', row.group(0))[0] == "2"
    # R10's requests received in the period by outcome: joined, declined, withdrawn, waiting.
    figures_rows = re.findall(r">" + re.escape(group.name) + r"</th>.*?</tr>", figures, re.S)
    assert re.findall(r'<td class="text-end">(\d+)</td>', figures_rows[1])[3] == "2"
    assert JoinRequest.objects.waiting().count() == 2
    counted = selectors.groups_with_counts(selectors.workspace_groups(facilitator)).get()
    assert counted.waiting_requests == 2


def test_a_paused_group_offers_its_waiting_list_on_the_list_and_the_page(client, group):
    group.status = GroupStatus.PAUSED
    group.save()
    make_member(group)

    listed = selectors.public_groups().get()
    assert not (listed.is_open and not listed.is_full)  # the list offers the waiting list
    assert client.get(reverse("selfhelp:group_public", args=[group.slug])).context["waiting_list"]
