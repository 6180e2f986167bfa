"""Clinic mode's rules: roles, what an email and a password must be, how long links and sign-ins
last, and when sign-in is throttled. Pure: the store keeps the values, the web asks these rules.
"""

import re
from datetime import timedelta
from enum import StrEnum

__all__ = [
    "ACCOUNT_FAILURES",
    "ADDRESS_FAILURES",
    "FAILURE_WINDOW",
    "LINK_LIFETIME",
    "LOGIN_LIFETIME",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "LinkPurpose",
    "Role",
    "check_name",
    "check_password",
    "normalise_email",
]

# Sign-in throttling (OWASP Authentication Cheat Sheet: limit failed attempts per account and
# per source): 5 wrong passwords for one account, or 20 from one address, within 15 minutes.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)
LOGIN_LIFETIME = timedelta(hours=12)  # a sign-in lasts a working day
LINK_LIFETIME = timedelta(days=7)  # an invitation or a password link
# NIST SP 800-63B 5.1.1.2: at least 8 characters, allow long ones; the upper bound keeps a
# single sign-in from costing the server more than a hash of a long passphrase.
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_NAME = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    PERSON = "person"  # trains; sees only their own data
    CLINICIAN = "clinician"  # sees the people who chose to be followed by them
    ADMIN = "admin"  # manages accounts; sees no health data


class LinkPurpose(StrEnum):
    INVITE_PERSON = "invite_person"  # a clinician invites a person, who will be followed
    FOLLOW = "follow"  # a person asks a clinician to follow them
    PASSWORD = "password"  # set a password: a new clinician's first, or a reset by an admin


def normalise_email(text: str) -> str:
    """The email as stored (trimmed, lower case); ValueError with one line when it isn't one."""
    email = text.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValueError(
            f"'{text.strip()[:60]}' is not an email address; type it as name@example.org."
        )
    return email


def check_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ValueError("Type a name, as it should be shown to the people you work with.")
    if len(name) > MAX_NAME:
        raise ValueError(f"The name is longer than {MAX_NAME} characters; shorten it.")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"The password is too long: use at most {MAX_PASSWORD} characters.")
    return password
