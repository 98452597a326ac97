"""Loopback receivers for the delivery tests: an SMTP sink (aiosmtpd) and a webhook server that
checks the 钉钉 signature. Nothing here talks to the internet."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DINGTALK_SECRET = "SECtest-secret-不要外传"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mail:
    to: list[str]
    subject: str
    message_id: str
    body: str


@dataclass
class SmtpSink:
    """Records every message; `hold_at` (1-based) makes the sink wait `hold_seconds` after
    storing that message before answering 250, and sets `holding`."""

    port: int
    hold_at: int | None = None
    hold_seconds: float = 0.0
    delay: float = 0.0  # before answering each message (to make two senders overlap)
    mails: list[Mail] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content or envelope.content)
        text = msg.get_payload(decode=True)
        mail = Mail(
            list(envelope.rcpt_tos),
            str(make_header(decode_header(msg["Subject"]))),
            str(msg["Message-ID"]),
            text.decode("utf-8") if isinstance(text, bytes) else str(text),
        )
        with self.lock:
            self.mails.append(mail)
            n = len(self.mails)
        if self.hold_at is not None and n == self.hold_at:
            self.holding.set()
            await asyncio.sleep(self.hold_seconds)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(r for m in self.mails for r in m.to)


@contextmanager
def smtp_sink(
    port: int | None = None, authenticator: Any = None, auth_require_tls: bool = True, **kw: Any
) -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink(port or free_port(), **kw)
    extra = {"authenticator": authenticator, "auth_require_tls": auth_require_tls} if authenticator else {}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **extra)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Post:
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any]
    signed_ok: bool | None  # 钉钉: the signature checked out; None: not a 钉钉 post


@dataclass
class Hooks:
    port: int
    posts: list[Post] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def dingtalk_sign_ok(query: dict[str, list[str]], secret: str) -> bool:
    """What 钉钉 checks: the sign is the base64 HMAC-SHA256 of "timestamp\\nsecret", and the
    timestamp is within an hour of now."""
    try:
        stamp, sign = query["timestamp"][0], query["sign"][0]
    except (KeyError, IndexError):
        return False
    want = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
    fresh = abs(int(stamp) - time.time() * 1000) < 3600 * 1000
    return fresh and hmac.compare_digest(want.decode(), sign)


@contextmanager
def webhook_server() -> Iterator[Hooks]:
    hooks = Hooks(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)  # parse_qs decodes the URL-encoded sign
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw.decode("utf-8"))
            signed = dingtalk_sign_ok(query, DINGTALK_SECRET) if parts.path.startswith("/dingtalk") else None
            hooks.posts.append(Post(parts.path, query, body, signed))
            if parts.path.startswith("/broken"):
                self.send_response(500)
                self.end_headers()
                return
            answer = (
                {"errcode": 0, "errmsg": "ok"}
                if signed is not False
                else {"errcode": 310000, "errmsg": "sign not match"}
            )
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hooks.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        server.shutdown()
        server.server_close()
