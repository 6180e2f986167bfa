"""`backchain accounts`: the first admin from the command line, as the README says, and the
report of one clinic person by their email."""

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

from cli_runner import Run

from backchain import journal
from backchain.care.accounts import Role
from backchain.journal import accounts
from backchain.programs.models import Profile
from backchain.screening import RED_FLAGS
from backchain.store import care, open_store

PROFILE = {
    "age": 40,
    "equipment": ["mat"],
    "experience": "some",
    "days": ["monday", "wednesday", "friday"],
    "minutes_per_session": 30,
    "sitting_hours": 8,
    "pain": 3,
    "screening": {
        "red_flags": {flag.id: False for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 40,
    },
}


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_the_first_admin_is_made_with_a_password_from_a_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("a long admin password\n")
    made = run(
        "accounts", "create", "--role", "admin", "--email", "Ada@Clinic.Example",
        "--name", "Ada Admin", "--password-file", "pw",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Created the admin account ada@clinic.example." in made.stdout
    listed = run("accounts", "list")
    assert "ada@clinic.example" in listed.stdout
    assert "admin" in listed.stdout
    url = f"sqlite:///{tmp_path / '.local/share/backchain/backchain.db'}"
    with open_store(url) as store, store.read() as session:
        found = care.account_by_email(session, email="ada@clinic.example")
    assert found is not None
    account, stored_hash = found
    assert account.role is Role.ADMIN
    assert stored_hash is not None
    assert stored_hash.startswith("$argon2id$")  # hashed, never the password itself
    assert "a long admin password" not in stored_hash


def test_bad_accounts_are_refused_in_one_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "short").write_text("short\n")
    (tmp_path / "pw").write_text("a long admin password\n")
    short = one_line_error(
        run("accounts", "create", "--email", "a@b.example", "--password-file", "short")
    )
    assert "too short" in short
    bad_email = one_line_error(
        run("accounts", "create", "--email", "not an email", "--password-file", "pw")
    )
    assert "is not an email address" in bad_email
    assert (
        run("accounts", "create", "--email", "a@b.example", "--password-file", "pw").returncode == 0
    )
    twice = one_line_error(
        run("accounts", "create", "--email", "A@b.example", "--password-file", "pw")
    )
    assert "already exists" in twice
    no_terminal = one_line_error(run("accounts", "create", "--email", "c@b.example", stdin=""))
    assert "--password-file" in no_terminal


def test_a_password_link_needs_an_admin(run: Run, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("a long admin password\n")
    for email, role in (("ada@c.example", "admin"), ("cy@c.example", "clinician")):
        made = run("accounts", "create", "--role", role, "--email", email, "--password-file", "pw")
        assert made.returncode == 0, made.stderr
    link = run("accounts", "password-link", "--email", "cy@c.example", "--admin", "ada@c.example")
    assert link.returncode == 0, link.stderr
    assert link.stdout.strip().startswith("http://127.0.0.1:8000/password/")
    refused = one_line_error(
        run("accounts", "password-link", "--email", "ada@c.example", "--admin", "cy@c.example")
    )
    assert "is not an admin account" in refused


def test_the_report_of_a_clinic_person_by_their_email(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / '.local/share/backchain/backchain.db'}"
    (tmp_path / ".local/share/backchain").mkdir(parents=True)
    now = datetime.now(UTC)
    with open_store(url) as store:
        person = accounts.create_account(
            store, email="pat@example.org", name="Pat <b>Person</b>", role=Role.PERSON,
            password="a long enough password", now=now,
        )  # fmt: skip
        journal.start_program(
            store,
            profile=Profile.model_validate(PROFILE),
            start=date.today(),
            now=now,
            account_id=person.id,
        )
    made = run("report", "--person", "pat@example.org", "-o", "pat.pdf")
    assert made.returncode == 0, made.stderr
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "pat.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Pat <b>Person</b>" in text  # the name as typed: text, not markup
    unknown = one_line_error(run("report", "--person", "nobody@example.org", "-o", "x.pdf"))
    assert "No program is stored for nobody@example.org" in unknown
