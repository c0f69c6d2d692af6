"""A stand-in for GOV.UK Notify's API (v2), for tests that use the real Python client.

It listens on 127.0.0.1 on a free port and speaks the documented endpoints:

- POST /v2/notifications/email, /sms and /letter (templated or precompiled PDF letters),
- GET /v2/notifications/{id} and GET /v2/notifications?reference=&status=&template_type=,

checking each request's JSON Web Token as Notify does (HS256, `iss` the service id, `iat`
within 30 seconds, signed with the secret half of the API key
`{key_name}-{service_id}-{secret}`), and answering errors in Notify's shape:
`{"status_code": 400, "errors": [{"error": "ValidationError", "message": "..."}]}`.

Tests can make it fail: `fail_next(n)` answers the next n requests with a 500 (nothing is
kept); `crash_after_accepting(n)` keeps the next n messages and then drops the connection
without answering, as when Notify (or the network) fails after taking a message.

    def test_something(fake_notify):           # the fixture sets the Django settings
        ...send...
        assert fake_notify.sent("email")[0]["email_address"] == "pat@example.org"
"""

import base64
import datetime
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

CLOCK_SKEW = 30  # seconds either way, as Notify allows
PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Template:
    id: str
    type: str
    body: str
    subject: str = ""

    @property
    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.subject + self.body))


class NotifyError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


class _Drop(Exception):
    """Close the connection without answering."""


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def uk_mobile(number: str) -> str | None:
    digits = re.sub(r"[\s\-().]", "", number)
    for prefix in ("+44", "0044", "44"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    return digits if re.fullmatch(r"07\d{9}", digits) else None


@dataclass
class FakeNotify:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    templates: dict[str, Template] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    _fail: int = 0
    _crash: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.email_template = self.add_template("email", "((body))", subject="((subject))")
        self.sms_template = self.add_template("sms", "((body))")
        self.letter_template = self.add_template("letter", "((body))", subject="((subject))")

    # ----- Set-up and control, for tests ---------------------------------------------------

    @property
    def api_key(self) -> str:
        return f"coproduce_test-{self.service_id}-{self.secret}"

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_template(self, type_: str, body: str, subject: str = "") -> Template:
        template = Template(id=str(uuid.uuid4()), type=type_, body=body, subject=subject)
        self.templates[template.id] = template
        return template

    def reset(self) -> None:
        with self._lock:
            self.notifications.clear()
            self.requests.clear()
            self._fail = 0
            self._crash = 0

    def fail_next(self, count: int = 1) -> None:
        """The next `count` requests get a 500 and nothing is kept."""
        with self._lock:
            self._fail = count

    def crash_after_accepting(self, count: int = 1) -> None:
        """The next `count` messages are kept, then the connection drops unanswered."""
        with self._lock:
            self._crash = count

    def set_status(self, notification_id: str, status: str) -> None:
        with self._lock:
            for notification in self.notifications:
                if notification["id"] == notification_id:
                    notification["status"] = status
                    notification["completed_at"] = _now()
                    return
        raise KeyError(notification_id)

    def sent(self, type_: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [n for n in self.notifications if type_ in (None, n["type"])]

    def start(self) -> "FakeNotify":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ----- The API -------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append((method, url.path))
            failing = self._fail > 0
            if failing:
                self._fail -= 1
        try:
            if failing:
                raise NotifyError(500, "Exception", "Internal server error")
            self._authenticate(handler.headers.get("Authorization", ""))
            status, payload = self._route(method, url.path, parse_qs(url.query), raw)
        except NotifyError as error:
            status = error.status
            payload = {
                "status_code": error.status,
                "errors": [{"error": error.error, "message": error.message}],
            }
        except _Drop:
            handler.close_connection = True
            return
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _authenticate(self, header: str) -> None:
        if not header.startswith("Bearer "):
            raise NotifyError(
                401, "AuthError", "Unauthorized: authentication token must be provided"
            )
        token = header.removeprefix("Bearer ").strip()
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.DecodeError as error:
            raise NotifyError(403, "AuthError", "Invalid token: signature") from error
        if unverified.get("iss") != self.service_id:
            raise NotifyError(403, "AuthError", "Invalid token: service not found")
        try:
            claims = jwt.decode(
                token,
                key=self.secret,
                algorithms=["HS256"],
                options={"verify_iat": False, "require": ["iss", "iat"]},
            )
        except jwt.InvalidAlgorithmError as error:
            raise NotifyError(
                403, "AuthError", "Invalid token: algorithm used is not HS256"
            ) from error
        except jwt.InvalidTokenError as error:
            raise NotifyError(
                403, "AuthError", "Invalid token: signature, api token not found"
            ) from error
        if abs(time.time() - int(claims["iat"])) > CLOCK_SKEW:
            raise NotifyError(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            )

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], raw: bytes
    ) -> tuple[int, dict[str, Any]]:
        if method == "POST" and path in (
            "/v2/notifications/email",
            "/v2/notifications/sms",
            "/v2/notifications/letter",
        ):
            try:
                data = json.loads(raw or b"{}")
            except ValueError as error:
                raise NotifyError(400, "BadRequestError", "Invalid JSON supplied") from error
            return 201, self._accept(path.rsplit("/", 1)[1], data)
        if method == "GET" and path == "/v2/notifications":
            return 200, self._list(query)
        if method == "GET" and path.startswith("/v2/notifications/"):
            return 200, self._get(path.rsplit("/", 1)[1])
        raise NotifyError(404, "ResourceNotFound", "Not found")

    def _template(self, data: dict[str, Any], type_: str) -> Template:
        template_id = str(data.get("template_id", ""))
        try:
            uuid.UUID(template_id)
        except ValueError as error:
            raise NotifyError(400, "ValidationError", "template_id is not a valid UUID") from error
        template = self.templates.get(template_id)
        if template is None or template.type != type_:
            raise NotifyError(400, "BadRequestError", "Template not found")
        personalisation = data.get("personalisation") or {}
        missing = sorted(template.placeholders - set(personalisation))
        if missing:
            raise NotifyError(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )
        return template

    @staticmethod
    def _fill(text: str, personalisation: dict[str, Any]) -> str:
        return PLACEHOLDER.sub(lambda m: str(personalisation.get(m.group(1), "")), text)

    def _accept(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        reference = data.get("reference")
        notification: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "reference": reference,
            "email_address": None,
            "phone_number": None,
            "created_at": _now(),
            "created_by_name": None,
            "sent_at": None,
            "completed_at": None,
            "scheduled_for": None,
        }
        if kind == "letter" and "content" in data:
            response = self._accept_precompiled(data, notification)
        else:
            type_ = "sms" if kind == "sms" else kind
            template = self._template(data, type_)
            personalisation = data.get("personalisation") or {}
            if kind == "email":
                address = str(data.get("email_address", ""))
                if not EMAIL.match(address):
                    raise NotifyError(
                        400, "ValidationError", "email_address Not a valid email address"
                    )
                notification["email_address"] = address
            elif kind == "sms":
                number = uk_mobile(str(data.get("phone_number", "")))
                if number is None:
                    raise NotifyError(400, "ValidationError", "phone_number Not a UK mobile number")
                notification["phone_number"] = number
            else:
                notification.update(self._address(personalisation))
            body = self._fill(template.body, personalisation)
            subject = self._fill(template.subject, personalisation)
            notification.update(
                type=type_,
                status="accepted" if kind == "letter" else "created",
                body=body,
                subject=subject or None,
                template={"id": template.id, "version": 1, "uri": f"/v2/template/{template.id}"},
            )
            content: dict[str, Any] = {"body": body}
            if kind == "email":
                content.update(subject=subject, from_email="coproduce@notifications.invalid")
            elif kind == "sms":
                content.update(from_number="Coproduce")
            else:
                content.update(subject=subject)
            response = {
                "id": notification["id"],
                "reference": reference,
                "content": content,
                "uri": f"{self.base_url}/v2/notifications/{notification['id']}",
                "template": notification["template"],
            }
            if kind == "letter":
                response["scheduled_for"] = None
        with self._lock:
            self.notifications.append(notification)
            crashing = self._crash > 0
            if crashing:
                self._crash -= 1
        if crashing:
            raise _Drop
        return response

    def _accept_precompiled(
        self, data: dict[str, Any], notification: dict[str, Any]
    ) -> dict[str, Any]:
        if not data.get("reference"):
            raise NotifyError(400, "ValidationError", "reference is a required property")
        postage = data.get("postage", "second")
        if postage not in ("first", "second", "economy"):
            raise NotifyError(
                400, "ValidationError", "postage invalid. It must be either first or second."
            )
        try:
            pdf = base64.b64decode(str(data["content"]), validate=True)
        except ValueError as error:
            raise NotifyError(
                400, "BadRequestError", "Letter content is not a valid PDF"
            ) from error
        if not pdf.startswith(b"%PDF"):
            raise NotifyError(400, "BadRequestError", "Letter content is not a valid PDF")
        notification.update(
            type="letter",
            status="pending-virus-check",
            body=None,
            subject="Pre-compiled PDF",
            postage=postage,
            pdf=pdf,
            template={"id": str(uuid.UUID(int=0)), "version": 1, "uri": ""},
        )
        return {"id": notification["id"], "reference": data["reference"], "postage": postage}

    @staticmethod
    def _address(personalisation: dict[str, Any]) -> dict[str, Any]:
        lines = [
            str(personalisation[f"address_line_{n}"]).strip()
            for n in range(1, 8)
            if str(personalisation.get(f"address_line_{n}") or "").strip()
        ]
        if len(lines) < 3:
            raise NotifyError(400, "ValidationError", "Address must be at least 3 lines")
        if len(lines) > 7:
            raise NotifyError(400, "ValidationError", "Address must be no more than 7 lines")
        if not UK_POSTCODE.match(lines[-1]):
            raise NotifyError(
                400,
                "ValidationError",
                "Last line of address must be a real UK postcode or another country",
            )
        address: dict[str, str | None] = {f"line_{n}": None for n in range(1, 8)}
        address.update({f"line_{n}": line for n, line in enumerate(lines, 1)})
        address["postcode"] = lines[-1]
        return address

    def _public(self, notification: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in notification.items() if key != "pdf"}

    def _get(self, notification_id: str) -> dict[str, Any]:
        try:
            uuid.UUID(notification_id)
        except ValueError as error:
            raise NotifyError(
                400, "ValidationError", "notification_id is not a valid UUID"
            ) from error
        with self._lock:
            for notification in self.notifications:
                if notification["id"] == notification_id:
                    return self._public(notification)
        raise NotifyError(404, "NoResultFound", "No result found")

    def _list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        def wanted(notification: dict[str, Any]) -> bool:
            return all(
                str(notification.get(field_)) in values
                for field_, values in (
                    ("reference", query.get("reference")),
                    ("status", query.get("status")),
                    ("type", query.get("template_type")),
                )
                if values
            )

        with self._lock:
            found = [self._public(n) for n in reversed(self.notifications) if wanted(n)]
        return {
            "notifications": found,
            "links": {"current": f"{self.base_url}/v2/notifications"},
        }


_SERVER: FakeNotify | None = None


def running_server() -> FakeNotify:
    """One fake per test process, started on first use."""
    global _SERVER
    if _SERVER is None:
        _SERVER = FakeNotify().start()
    return _SERVER


@pytest.fixture
def fake_notify(settings: Any) -> Iterator[FakeNotify]:
    """The fake, emptied, with Django set to send through it (NOTIFICATIONS_BACKEND=notify)."""
    fake = running_server()
    fake.reset()
    settings.NOTIFICATIONS_BACKEND = "notify"
    settings.NOTIFY_API_KEY = fake.api_key
    settings.NOTIFY_BASE_URL = fake.base_url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = fake.email_template.id
    settings.NOTIFY_SMS_TEMPLATE_ID = fake.sms_template.id
    settings.NOTIFY_LETTER_TEMPLATE_ID = fake.letter_template.id
    settings.NOTIFY_LETTERS = True
    yield fake
    fake.reset()
