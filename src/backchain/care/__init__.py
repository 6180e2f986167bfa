"""Care by a clinician who follows the person: pure rules, no storage and no web.

accounts   roles, what an email and a password must be, how long links and sign-ins last
passwords  Argon2id hashing
changes    a clinician's change or hold of a prescription, and the decision it makes
dashboard  the clinician's dashboard: each followed person's status and what needs attention
"""

from backchain.care.changes import PrescriptionChange, change_decision

__all__ = ["PrescriptionChange", "change_decision"]
