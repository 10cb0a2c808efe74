"""The new-sign-in notice: a sign-in from a device and network not seen for the account lately
(the validate-otp script decides, in the same step that mints the session) is recorded as an
event and, with NOTIFY_NEW_SIGN_IN, emailed to the user once the sign-in has been answered."""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.services.clock import readable_utc
from app.services.devices import describe_device, network_of
from app.services.events import Recorder
from app.services.notices import Notices
from app.services.ports import SessionOrigin
from app.services.users import UserService

log = logging.getLogger(__name__)

TEMPLATE = "new_sign_in"
# run_later(job): runs `job` after the response, in the app's context (app/http/after_response.py).
RunLater = Callable[[Callable[[], None]], None]


class SignInAlerts:
    def __init__(self, *, users: UserService, notices: Notices, events: Recorder, run_later: RunLater,
                 notify: bool) -> None:
        self._users = users
        self._notices = notices
        self._events = events
        self._run_later = run_later
        self.notify = notify

    def new_device(self, user_id: str, origin: SessionOrigin, at: float) -> None:
        """Called once the sign-in succeeded; the email (a database read and a send) happens later.
        With the notice off nothing is written: the script still remembers devices, so turning it on
        later does not mail every user about devices they have used all along."""
        if not self.notify:
            return
        device = describe_device(origin.user_agent)
        self._events.write("new_device_sign_in", user_id, device=device, network=network_of(origin.ip))
        self._run_later(lambda: self._email(user_id, device, origin.ip, at))

    def _email(self, user_id: str, device: str, ip: str, at: float) -> None:
        user = self._users.get(user_id)
        if user is None:  # deleted meanwhile
            return
        sent = self._notices.email(user.email, TEMPLATE, user.locale, when=readable_utc(at), device=device,
                                   ip=ip or "unknown")
        log.info("new sign-in notice", extra={"user_id": user_id, "sent": sent})

