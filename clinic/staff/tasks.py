"""Background tasks (django.tasks): the staff sign-in emails. The arguments are a user id and a
time only; two_factor.py and passkeys.py enqueue them inside the transaction of the change they
report."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.tasks import task

from clinic.staff import emails


def _user(user_id: int):
    return get_user_model().objects.filter(pk=user_id).first()  # None if since deleted


@task
def send_two_factor_enrolled(user_id: int, when: str) -> None:
    if user := _user(user_id):
        emails.two_factor_enrolled(user, dt.datetime.fromisoformat(when))


@task
def send_two_factor_reset(user_id: int, when: str) -> None:
    if user := _user(user_id):
        emails.two_factor_reset(user, dt.datetime.fromisoformat(when))


@task
def send_passkey_added(user_id: int, when: str) -> None:
    if user := _user(user_id):
        emails.passkey_added(user, dt.datetime.fromisoformat(when))


@task
def send_passkey_removed(user_id: int, when: str) -> None:
    if user := _user(user_id):
        emails.passkey_removed(user, dt.datetime.fromisoformat(when))
