"""The three ways a message leaves: email over SMTP (smtplib), the 钉钉 group robot and the
企业微信 group robot (a JSON POST with urllib). Each raises SendError with a short reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import quote_plus

from bihuan.notify.config import Smtp


class SendError(Exception):
    """A delivery that failed, with the reason the office sees. `server_down`: the server could
    not be reached at all, so the other messages of that channel would fail the same way."""

    def __init__(self, reason: str, server_down: bool = False) -> None:
        super().__init__(reason)
        self.server_down = server_down


def send_email(
    smtp: Smtp, mail_from: str, to: str, subject: str, text: str, timeout: float, message_id: str
) -> None:
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    # The same id on a retry: a mail client shows a duplicate (after a crash) once.
    msg["Message-ID"] = message_id
    msg.set_content(text)
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if smtp.implicit_tls:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            if smtp.starttls:
                client.starttls(context=context)
                client.ehlo()
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(msg)
            if refused:
                raise SendError(f"收件人被拒收：{', '.join(refused)}")
    except smtplib.SMTPAuthenticationError as e:
        raise SendError(f"SMTP 登录失败（{e.smtp_code}）") from e
    except smtplib.SMTPRecipientsRefused as e:
        raise SendError(f"收件人被拒收：{', '.join(e.recipients)}") from e
    except smtplib.SMTPResponseException as e:
        raise SendError(f"SMTP 服务器拒绝（{e.smtp_code} {_said(e.smtp_error)}）") from e
    except (smtplib.SMTPException, OSError) as e:
        down = isinstance(e, OSError | smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected)
        raise SendError(
            f"无法连接 SMTP 服务器 {smtp.host}:{smtp.port}（{type(e).__name__}: {e}）", server_down=down
        ) from e


def _said(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


def dingtalk_signed(url: str, secret: str, now_ms: int | None = None) -> str:
    """The webhook URL with 钉钉's signature: timestamp (ms) and the base64 HMAC-SHA256 of
    "timestamp\\nsecret" keyed by the secret, URL-encoded."""
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


def post_robot(url: str, text: str, timeout: float) -> None:
    """POST {"msgtype":"text","text":{"content":…}}; both robots answer {"errcode":0} when done."""
    if not url.startswith(("http://", "https://")):
        raise SendError("机器人地址须以 http:// 或 https:// 开头")
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            answer = resp.read(65536)
    except urllib.error.HTTPError as e:
        raise SendError(f"机器人地址回答 HTTP {e.code}") from e
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise SendError(f"无法连接机器人地址（{reason}）") from e
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return  # not JSON: the server took it
    if isinstance(data, dict) and data.get("errcode", 0) not in (0, "0"):
        raise SendError(f"机器人拒绝：{data.get('errcode')} {_said(str(data.get('errmsg', '')))}")
