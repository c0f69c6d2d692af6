import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts.models import AssistedSession, Role
from coproduce.audit.selectors import history_for
from coproduce.testing.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    make_project,
    member,
)

pytestmark = pytest.mark.django_db


def link_from(message):
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def test_a_participant_signs_in_with_a_one_time_emailed_link(client):
    person = member(OrganisationFactory(), Role.PARTICIPANT, email="pat@example.org")
    response = client.post(reverse("accounts:sign-in-link"), {"email": "PAT@example.org"})
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pat@example.org"]
    link = link_from(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).url == reverse("accounts:my-involvement")
    assert int(client.session["_auth_user_id"]) == person.pk
    client.logout()
    client.get(link)  # the link works once only
    assert "_auth_user_id" not in client.session


def test_asking_for_a_link_does_not_reveal_who_is_registered(client):
    member(OrganisationFactory(), Role.COMMISSIONER, email="officer@example.org")
    for email in ["nobody@example.org", "officer@example.org"]:
        response = client.post(reverse("accounts:sign-in-link"), {"email": email})
        assert "Check your email" in response.content.decode()
    assert mail.outbox == []  # staff use passwords; unknown addresses get nothing


def test_a_bad_email_is_explained_and_kept(client):
    response = client.post(reverse("accounts:sign-in-link"), {"email": "pat at example"})
    page = response.content.decode()
    assert "Enter an email address in the right format" in page
    assert 'value="pat at example"' in page


def test_staff_sign_in_with_a_password_and_go_to_the_dashboard(client):
    officer = member(OrganisationFactory(), Role.COMMISSIONER)
    response = client.post(
        reverse("accounts:sign-in"), {"username": officer.username, "password": PASSWORD}
    )
    assert response.url == reverse("core:home")
    assert client.get(reverse("core:home")).url == reverse("projects:dashboard")


def test_a_wrong_password_says_what_to_do(client):
    officer = member(OrganisationFactory(), Role.COMMISSIONER)
    response = client.post(
        reverse("accounts:sign-in"), {"username": officer.username, "password": "wrong"}
    )
    page = response.content.decode()
    assert "There is a problem" in page and "try again" in page
    assert f'value="{officer.username}"' in page


def test_repeated_wrong_passwords_are_locked_out(client, settings):
    settings.AXES_ENABLED = True
    officer = member(OrganisationFactory(), Role.COMMISSIONER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:sign-in"), {"username": officer.username, "password": "x"})
    response = client.post(
        reverse("accounts:sign-in"), {"username": officer.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()


def test_an_administrator_with_two_factor_needs_the_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait between tries, to keep the test quick
    admin = member(OrganisationFactory(), Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    response = client.post(
        reverse("accounts:sign-in"), {"username": admin.username, "password": PASSWORD}
    )
    assert response.url == reverse("accounts:sign-in-code")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:sign-in-code"), {"code": "000000"})
    assert "not right" in response.content.decode()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("accounts:sign-in-code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == admin.pk


def test_an_administrator_turns_on_two_factor(client):
    admin = member(OrganisationFactory(), Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(reverse("accounts:two-factor")).content.decode()
    assert "Setup key" in page
    device = TOTPDevice.objects.get(user=admin)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    client.post(reverse("accounts:two-factor"), {"code": code})
    device.refresh_from_db()
    assert device.confirmed


def test_two_factor_set_up_is_for_administrators(client):
    client.force_login(member(OrganisationFactory(), Role.COMMISSIONER))
    assert client.get(reverse("accounts:two-factor")).status_code == 403


def test_a_facilitator_acts_for_a_participant_and_it_is_recorded(client):
    organisation = OrganisationFactory()
    facilitator = member(organisation, Role.FACILITATOR)
    sam = member(organisation, Role.PARTICIPANT, email="", first_name="Sam")
    outsider = member(OrganisationFactory(), Role.PARTICIPANT)
    client.force_login(facilitator)
    page = client.get(reverse("accounts:assist")).content.decode()
    assert sam.display_name in page and outsider.display_name not in page
    response = client.post(reverse("accounts:assist"), {"participant": sam.pk})
    assert response.url == reverse("accounts:my-involvement")
    page = client.get(reverse("accounts:my-involvement")).content.decode()
    assert "You are acting for" in page
    assert f'href="{reverse("participation:mine")}"' in page
    session = AssistedSession.objects.get()
    assert (session.facilitator, session.participant) == (facilitator, sam)
    assert history_for(session).first().actor_id == facilitator.pk

    project = make_project(organisation)
    client.post(
        reverse(
            "projects:readiness-item", args=[project.stages.first().readiness_items.first().pk]
        ),
        {"status": "done", "note": "Agreed with Sam by phone", "waiver_reason": ""},
    )
    event = history_for(project.stages.first().readiness_items.first()).first()
    assert (event.actor_id, event.on_behalf_of_id) == (facilitator.pk, sam.pk)

    client.post(reverse("accounts:assist-stop"))
    session.refresh_from_db()
    assert session.ended_at is not None
    assert "You are acting for" not in client.get(reverse("projects:dashboard")).content.decode()


def test_a_facilitator_cannot_act_for_someone_in_another_organisation(client):
    facilitator = member(OrganisationFactory(), Role.FACILITATOR)
    outsider = member(OrganisationFactory(), Role.PARTICIPANT)
    client.force_login(facilitator)
    response = client.post(reverse("accounts:assist"), {"participant": outsider.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not AssistedSession.objects.exists()


def test_commissioners_cannot_act_for_participants(client):
    client.force_login(member(OrganisationFactory(), Role.COMMISSIONER))
    assert client.get(reverse("accounts:assist")).status_code == 403


def test_staff_of_two_organisations_switch_between_them(client):
    first, second = OrganisationFactory(name="A council"), OrganisationFactory(name="B board")
    officer = member(first, Role.COMMISSIONER)
    MembershipFactory(user=officer, organisation=second, role=Role.COMMISSIONER)
    make_project(second, officer, title="Only in B")
    client.force_login(officer)
    assert "Only in B" not in client.get(reverse("projects:list")).content.decode()
    client.post(reverse("accounts:switch-organisation"), {"organisation": second.pk})
    assert "Only in B" in client.get(reverse("projects:list")).content.decode()
    other = OrganisationFactory()
    response = client.post(reverse("accounts:switch-organisation"), {"organisation": other.pk})
    assert response.status_code == 403
