"""Clinic mode's accounts: signing in and out, throttling, links that work once, following by
consent, and a personal database that becomes the first person's account."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from app_client import TestClient
from clinic_kit import (
    NOW,
    PASSWORD,
    clinic_app,
    log_first_session,
    make_clinic,
    sign_in,
)
from clinic_kit import start_program as start_clinic_program

from backchain import journal
from backchain.care.accounts import ACCOUNT_FAILURES, Role
from backchain.config import Config
from backchain.journal import accounts
from backchain.programs.models import Profile
from backchain.store import Store, care, open_store
from backchain.web.app import create_app


def test_every_page_needs_a_sign_in_and_login_lands_on_the_role_home(store_url: str) -> None:
    with open_store(store_url) as store:
        clinic = make_clinic(store)
    with TestClient(clinic_app(store_url)) as client:
        for path in ("/", "/progress", "/history", "/clinic", "/admin", "/exercises", "/care"):
            page = client.get(path, follow_redirects=False)
            assert page.status_code == 303, path
            assert page.headers["location"].startswith("/login?next="), path
        assert client.post("/settings/delete", data={"confirm": "delete"}).status_code == 401
        landed = sign_in(client, clinic.clinician)
        assert landed.url.path == "/clinic"
        assert client.get("/progress").status_code == 403


def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
    app = clinic_app(url)
    with TestClient(app) as client:
        cookie = sign_in(client, clinic.person).history[0].headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    with TestClient(app, base_url="https://127.0.0.1") as client:
        cookie = sign_in(client, clinic.person).history[0].headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "; secure" in cookie


def test_signing_out_ends_the_session_on_the_server(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
    with TestClient(clinic_app(url)) as client:
        sign_in(client, clinic.admin)
        stolen = client.cookies.get("backchain_session")
        assert client.get("/admin").status_code == 200
        client.post("/logout")
    with TestClient(clinic_app(url)) as thief:
        thief.cookies.set("backchain_session", stolen)
        page = thief.get("/admin", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_wrong_passwords_are_throttled_per_account_even_with_the_right_one(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
    with TestClient(clinic_app(url)) as client:
        for _ in range(ACCOUNT_FAILURES):
            refused = sign_in(client, clinic.person, "not the password")
            assert refused.status_code == 401
            assert "not right" in refused.text
        throttled = sign_in(client, clinic.person)  # the right password, too late
        assert throttled.status_code == 429
        assert "Too many attempts" in throttled.text
        # Another account from the same address is still let in (below the address limit).
        assert sign_in(client, clinic.admin).url.path == "/admin"


def test_wrong_passwords_are_throttled_per_address_across_accounts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
        for n in range(20):  # the address limit, spread over emails that have no account
            with store.transaction() as session:
                care.record_failure(session, key="address:testclient", now=datetime.now(UTC))
            del n
    with TestClient(clinic_app(url)) as client:
        assert sign_in(client, clinic.admin).status_code == 429


def test_an_email_with_no_account_is_refused_like_a_wrong_password(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        make_clinic(store)
    with TestClient(clinic_app(url)) as client:
        page = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert page.status_code == 401
    assert "The email or the password is not right" in page.text


def test_sign_in_goes_back_only_to_this_site(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
    with TestClient(clinic_app(url)) as client:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            page = client.post(
                "/login",
                data={"email": clinic.person.email, "password": PASSWORD, "next": target},
                follow_redirects=False,
            )
            assert page.headers["location"] == "/", target


def test_an_invitation_works_once_and_needs_consent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
        token = accounts.invite_person(store, clinician=clinic.clinician, now=NOW)
    form = {
        "name": "New Person",
        "email": "new@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    with TestClient(clinic_app(url)) as client:
        page = client.get(f"/welcome/{token}")
        assert "Claire Physio has invited you" in page.text
        refused = client.post(f"/welcome/{token}", data=form)
        assert refused.status_code == 422
        assert "Tick the box" in refused.text
        made = client.post(f"/welcome/{token}", data={**form, "consent": "yes"})
        assert made.url.path == "/start"
    with TestClient(clinic_app(url)) as client:
        again = client.post(f"/welcome/{token}", data={**form, "consent": "yes"})
        assert again.status_code == 404
        assert "used already or has expired" in again.text
    with open_store(url) as store, store.read() as session:
        found = care.account_by_email(session, email="new@example.org")
        assert found is not None
        followers = care.followers(session, person_id=found[0].id)
    assert [a.email for a, _ in followers] == [clinic.clinician.email]


def test_an_expired_invitation_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
        token = accounts.invite_person(
            store, clinician=clinic.clinician, now=datetime.now(UTC) - timedelta(days=8)
        )
    with TestClient(clinic_app(url)) as client:
        assert client.get(f"/welcome/{token}").status_code == 404


def test_an_admin_adds_a_clinician_who_sets_a_password_by_link(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
    with TestClient(clinic_app(url)) as client:
        sign_in(client, clinic.admin)
        page = client.post(
            "/admin/clinicians", data={"name": "Nina Nurse", "email": "Nina@Example.org"}
        )
        link = re.search(r'id="password-link">http://127\.0\.0\.1([^<]+)<', page.text)
        assert link is not None
    with TestClient(clinic_app(url)) as client:
        new_password = "nina's own password"
        done = client.post(
            link.group(1), data={"password": new_password, "password_again": new_password}
        )
        assert done.url.path == "/clinic"
    with open_store(url) as store, store.read() as session:
        found = care.account_by_email(session, email="nina@example.org")
    assert found is not None
    assert found[0].role is Role.CLINICIAN


def test_a_person_asks_a_clinician_to_follow_and_stops_sharing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
        person_id = start_clinic_program(store, clinic.person)
        log_first_session(store, person_id, "private words")
    with TestClient(clinic_app(url)) as person:
        sign_in(person, clinic.person)
        page = person.post("/care/link")
        link = re.search(r'id="follow-link">http://127\.0\.0\.1([^<]+)<', page.text)
        assert link is not None
    with TestClient(clinic_app(url)) as other:
        sign_in(other, clinic.other_clinician)
        assert other.get(f"/clinic/people/{clinic.person.id}").status_code == 404
        other.post(link.group(1))
        assert other.get(f"/clinic/people/{clinic.person.id}").status_code == 200
        with TestClient(clinic_app(url)) as person:
            sign_in(person, clinic.person)
            care_page = person.get("/care")
            assert "Oscar Physio" in care_page.text
            person.post(f"/care/stop/{clinic.other_clinician.id}")
            assert "Oscar Physio" not in person.get("/care").text.split("Who looked")[0]
        assert other.get(f"/clinic/people/{clinic.person.id}").status_code == 404


def test_a_personal_database_becomes_the_first_person_account(tmp_path: Path) -> None:
    """Used personally first, then run as a clinic: the program and its log are the first
    invited person's, nothing lost; a later person starts with nothing of theirs."""
    url = f"sqlite:///{tmp_path / 'c.db'}"
    start = date.today() - timedelta(days=7)
    with open_store(url) as store:
        journal.start_program(
            store,
            profile=Profile.model_validate(_personal_profile()),
            start=start,
            now=NOW,
        )
        log_first_session(store, None, "logged before the clinic")
        before = journal.history.history(store)
    with TestClient(create_app(url)) as client:
        assert (
            "logged before the clinic"
            in client.get(f"/history/{before.sessions[0].log.date.isoformat()}").text
        )
    with open_store(url) as store:
        clinic = make_clinic(store)  # Pat is the first person invited
        after = journal.history.history(store, person_id=care_person(store, clinic.person.id))
    assert after == before
    with TestClient(clinic_app(url)) as client:
        sign_in(client, clinic.person)
        assert (
            "logged before the clinic"
            in client.get(f"/history/{before.sessions[0].log.date.isoformat()}").text
        )
    with TestClient(clinic_app(url)) as client:
        sign_in(client, clinic.stranger)
        assert client.get("/history").status_code == 404
        assert "logged before the clinic" not in client.get("/").text


def care_person(store: Store, account_id: int) -> int:
    with store.read() as session:
        found = care.person_of(session, account_id=account_id)
    assert found is not None
    return found


def _personal_profile() -> dict[str, object]:
    from clinic_kit import PROFILE

    return PROFILE


def test_personal_mode_has_no_account_pages(tmp_path: Path) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'p.db'}")) as client:
        for path in ("/login", "/admin", "/care", "/clinic"):
            assert client.get(path).status_code == 404, path


def test_config_reads_clinic_mode_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCHAIN_CLINIC", "true")
    assert Config().clinic is True


def test_names_and_notes_come_back_as_text_not_markup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    script = "<script>alert(1)</script>"
    with open_store(url) as store:
        clinic = make_clinic(store)
        token = accounts.invite_person(store, clinician=clinic.clinician, now=NOW)
    form = {
        "name": f"Eve {script}",
        "email": "eve@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "consent": "yes",
    }
    with TestClient(clinic_app(url)) as eve:
        eve.post(f"/welcome/{token}", data=form)
        eve.post("/care/notes", data={"text": f"note {script}"})
        care_page = eve.get("/care").text
    with TestClient(clinic_app(url)) as admin:
        sign_in(admin, clinic.admin)
        admin_page = admin.get("/admin").text
    for page in (care_page, admin_page):
        assert "<script>alert" not in page
    assert "note &lt;script&gt;alert(1)&lt;/script&gt;" in care_page
    assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;" in admin_page
