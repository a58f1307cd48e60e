"""A local GOV.UK Notify for `make run` and the tests: the part of Notify's REST API (v2) that the
official client (notifications-python-client) uses, on loopback, recording what it received.

    python scripts/notify_local.py PORT DATA_DIR

- Every request is authenticated as Notify does: a JWT (HS256) signed with the API key's secret,
  its `iss` the key's service id, issued within the last 30 seconds. The key is read from
  NOTIFY_API_KEY ("name-<service id>-<secret>"), the same variable the service uses.
- POST /v2/notifications/email, /sms, /letter (a template letter, or a precompiled PDF in
  `content`); GET /v2/notifications/<id>; GET /v2/notifications?reference=&status=&template_type=.
- Notify's own test addresses and numbers give their outcomes: temp-fail@simulator.notify and
  07700900003 a temporary failure, perm-fail@simulator.notify and 07700900002 a permanent one;
  anything else is delivered.
- For tests only (not Notify's API): GET /_local/messages (everything received, newest last),
  POST /_local/fail {"status": 500, "count": N, "recipient": R} (the next N sends to R answer
  that status: keyed by recipient, so tests running side by side do not fail each other's), and
  POST /_local/reset.

Messages are kept in DATA_DIR/notify.sqlite3, so a restart loses nothing. Standard library and
PyJWT (the client's own dependency) only.
"""

import base64
import json
import os
import re
import sqlite3
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt

SIMULATED = {
    "temp-fail@simulator.notify": "temporary-failure",
    "perm-fail@simulator.notify": "permanent-failure",
    "07700900003": "temporary-failure",
    "07700900002": "permanent-failure",
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TOKEN_LIFETIME = 30


class Store:
    """The messages received, in SQLite; one lock, as the server answers on several threads."""

    def __init__(self, path: Path):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS message (id TEXT PRIMARY KEY, type TEXT, template_id TEXT,"
            " recipient TEXT, personalisation TEXT, reference TEXT, status TEXT,"
            " created_at TEXT, pdf_bytes INTEGER)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS failing (recipient TEXT PRIMARY KEY, status INTEGER,"
            " count INTEGER)"
        )
        self.db.execute("PRAGMA journal_mode=WAL")

    def add(self, row: dict) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO message VALUES (:id, :type, :template_id, :recipient,"
                " :personalisation, :reference, :status, :created_at, :pdf_bytes)",
                row,
            )

    def rows(self, where: str = "", params: tuple = ()) -> list[dict]:
        with self.lock:
            # `where` is made only of fixed column names; the values are parameters.
            sql = f"SELECT * FROM message {where} ORDER BY rowid"  # noqa: S608 # nosec B608 # nosemgrep: sql-built-from-strings
            cursor = self.db.execute(sql, params)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    def take_failure(self, recipient: str) -> int | None:
        """The status to answer this send with, if failures were asked for its recipient."""
        with self.lock:
            row = self.db.execute(
                "SELECT status, count FROM failing WHERE recipient = ?", (recipient,)
            ).fetchone()
            if not row:
                return None
            status, count = row
            if count <= 1:
                self.db.execute("DELETE FROM failing WHERE recipient = ?", (recipient,))
            else:
                self.db.execute(
                    "UPDATE failing SET count = count - 1 WHERE recipient = ?", (recipient,)
                )
            return status

    def fail(self, recipient: str, status: int, count: int) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO failing VALUES (?, ?, ?)", (recipient, status, count)
            )

    def reset(self) -> None:
        with self.lock:
            self.db.execute("DELETE FROM message")
            self.db.execute("DELETE FROM failing")


def api_key() -> tuple[str, str]:
    """(service id, secret) from NOTIFY_API_KEY, read as the client reads it."""
    key = os.environ["NOTIFY_API_KEY"]
    return key[-73:-37], key[-36:]


def error(status: int, kind: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}


def as_notify(row: dict, base: str) -> dict:
    """A message as Notify's GET /v2/notifications/<id> answers it."""
    personalisation = json.loads(row["personalisation"] or "{}")
    return {
        "id": row["id"],
        "reference": row["reference"],
        "type": row["type"],
        "status": row["status"],
        "template": {
            "id": row["template_id"],
            "version": 1,
            "uri": f"{base}/v2/template/{row['template_id']}",
        },
        "email_address": row["recipient"] if row["type"] == "email" else None,
        "phone_number": row["recipient"] if row["type"] == "sms" else None,
        "personalisation": personalisation,
        "created_at": row["created_at"],
        "sent_at": row["created_at"],
        "completed_at": row["created_at"] if row["status"] != "sending" else None,
    }


class Handler(BaseHTTPRequestHandler):
    store: Store
    server_version = "notify-local/1"

    def log_message(self, format, *args):  # quiet: the tests read /_local/messages instead
        pass

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @property
    def base(self) -> str:
        return f"http://{self.headers.get('Host', 'localhost')}"

    def authenticated(self) -> tuple[int, dict] | None:
        """None when the request carries a valid token; else Notify's 403 answer."""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return error(401, "AuthError", "Unauthorized: authentication token must be provided")
        service_id, secret = api_key()
        try:
            claims = jwt.decode(
                header[7:], secret, algorithms=["HS256"], options={"verify_iat": False}
            )
        except jwt.PyJWTError:
            return error(403, "AuthError", "Invalid token: signature, api token not found")
        if claims.get("iss") != service_id:
            return error(403, "AuthError", "Invalid token: service not found")
        if abs(time.time() - int(claims.get("iat", 0))) > TOKEN_LIFETIME:
            return error(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            )
        return None

    def read_json(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/_local/messages":
            return self.answer(200, {"messages": self.store.rows()})
        refused = self.authenticated()
        if refused:
            return self.answer(*refused)
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", parts.path)
        if match:
            found = self.store.rows("WHERE id = ?", (match.group(1),))
            if not found:
                return self.answer(*error(404, "NoResultFound", "No result found"))
            return self.answer(200, as_notify(found[0], self.base))
        if parts.path == "/v2/notifications":
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            clauses, params = [], []
            for name, column in [
                ("reference", "reference"),
                ("status", "status"),
                ("template_type", "type"),
            ]:
                if query.get(name):
                    clauses.append(f"{column} = ?")
                    params.append(query[name])
            where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
            rows = list(reversed(self.store.rows(where, tuple(params))))
            return self.answer(
                200,
                {
                    "notifications": [as_notify(r, self.base) for r in rows],
                    "links": {"current": f"{self.base}{self.path}"},
                },
            )
        return self.answer(*error(404, "NotFound", "Not found"))

    def do_POST(self):
        parts = urlsplit(self.path)
        if parts.path == "/_local/reset":
            self.store.reset()
            return self.answer(200, {"reset": True})
        if parts.path == "/_local/fail":
            body = self.read_json()
            self.store.fail(
                str(body.get("recipient", "")),
                int(body.get("status", 500)),
                int(body.get("count", 1)),
            )
            return self.answer(200, {"failing": body})
        refused = self.authenticated()
        if refused:
            return self.answer(*refused)
        match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", parts.path)
        if not match:
            return self.answer(*error(404, "NotFound", "Not found"))
        kind, body = match.group(1), self.read_json()
        recipient = str(body.get("email_address") or body.get("phone_number") or "")
        failure = self.store.take_failure(recipient.replace(" ", ""))
        if failure:
            return self.answer(*error(failure, "Exception", "Internal server error (simulated)"))
        problem = self.check(kind, body)
        if problem:
            return self.answer(*error(400, "ValidationError", problem))
        row = self.record(kind, body)
        content = {"body": "", "subject": "", "from_email": "approvision@notify.local"}
        return self.answer(
            201,
            {
                "id": row["id"],
                "reference": row["reference"],
                "content": content,
                "uri": f"{self.base}/v2/notifications/{row['id']}",
                "template": {
                    "id": row["template_id"],
                    "version": 1,
                    "uri": f"{self.base}/v2/template/{row['template_id']}",
                },
                "scheduled_for": None,
            },
        )

    @staticmethod
    def check(kind: str, body: dict) -> str:
        """Notify's 400 for a request it would refuse, in its words."""
        if kind == "letter" and "content" in body:
            if not body.get("reference"):
                return "reference is a required property"
            try:
                pdf = base64.b64decode(body["content"], validate=True)
            except ValueError:
                return "Letter content is not a valid PDF"
            return "" if pdf.startswith(b"%PDF") else "Letter content is not a valid PDF"
        if not UUID.match(str(body.get("template_id", ""))):
            return "template_id is not a valid UUID"
        if kind == "email" and "@" not in str(body.get("email_address", "")):
            return "email_address Not a valid email address"
        if kind == "sms" and not re.fullmatch(
            r"\+?[0-9 ]{10,15}", str(body.get("phone_number", ""))
        ):
            return "phone_number Not enough digits"
        if kind == "letter":
            address = body.get("personalisation") or {}
            lines = [v for k, v in address.items() if k.startswith("address_line_") and v]
            if len(lines) < 3:
                return "Address must be at least 3 lines"
        return ""

    def record(self, kind: str, body: dict) -> dict:
        if kind == "email":
            recipient = body["email_address"]
        elif kind == "sms":
            recipient = body["phone_number"].replace(" ", "")
        else:
            recipient = ""
        row = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "template_id": body.get("template_id", ""),
            "recipient": recipient,
            "personalisation": json.dumps(body.get("personalisation") or {}),
            "reference": body.get("reference"),
            "status": SIMULATED.get(recipient, "delivered"),
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "pdf_bytes": len(base64.b64decode(body["content"])) if "content" in body else None,
        }
        if kind == "letter":
            row["status"] = "received" if "content" in body else "delivered"
        self.store.add(row)
        return row


def main() -> None:
    port, data_dir = int(sys.argv[1]), Path(sys.argv[2])
    data_dir.mkdir(parents=True, exist_ok=True)
    Handler.store = Store(data_dir / "notify.sqlite3")
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
