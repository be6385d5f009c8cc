"""Fetching a web page by its address, for import.

One GET with a real HTTP client: ``http`` and ``https`` only, at most a few
redirects (each followed to http or https only), a connect timeout and a
total time limit, and the import size limit enforced while the body streams
in, so that an endless body stops at the limit. What is returned is the exact
bytes, the media type and charset the server declared, the final address
after redirects and the time of retrieval (UTC). Every failure is a
``FetchFailed`` with one sentence; the caller can cancel between chunks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

# socket, http, email and urllib load when a page is fetched: every import
# (a PDF's reader child too) takes is_web_address and utc_now from here

from desktop_app import __version__
from desktop_app.core.errors import Cancelled, FetchFailed

log = logging.getLogger(__name__)

USER_AGENT = f"Marginalia/{__version__} (desktop reader; fetches one page when asked)"
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 60.0
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 64 * 1024


@dataclass(slots=True)
class Fetched:
    data: bytes
    media_type: str  # as declared by the server, lower case, e.g. "text/html"
    charset: str | None  # from the Content-Type header, if any
    address: str  # the final address, after redirects
    retrieved_at: str  # ISO 8601 UTC, e.g. "2026-12-06T14:02:11Z"


class CancelToken:
    """Cancels a download from another thread: ``cancel()`` sets the flag read
    between chunks and shuts the connection down, so that a read waiting on a
    silent server returns at once. Pass it as ``cancelled`` to ``fetch``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._socket = None

    def __call__(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            sock = self._socket
        if sock is not None:
            try:
                import socket

                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass

    def watch(self, sock) -> None:
        with self._lock:
            self._socket = sock
            cancelled = self._cancelled
        if cancelled:
            self.cancel()


def is_web_address(text: str) -> bool:
    """True for something that should be fetched rather than opened as a file."""
    return text.strip().lower().startswith(("http://", "https://"))


def check_address(text: str) -> str:
    """The address, trimmed, if it is an http or https address with a host; else FetchFailed."""
    address = text.strip()
    try:
        from urllib.parse import urlsplit

        parts = urlsplit(address)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        raise FetchFailed(f"“{_short(address)}” is not a web address; only http:// and https:// addresses can be imported.")
    if not parts.hostname:
        raise FetchFailed(f"“{_short(address)}” has no host name to fetch the page from.")
    return address


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        value, unit = n / (1024 * 1024), "MB"
    else:
        value, unit = n / 1024, "KB"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"


def _seconds(n: float) -> str:
    text = f"{n:.1f}".removesuffix(".0")
    return f"{text} second" + ("" if text == "1" else "s")


def fetch(
    address: str,
    *,
    max_bytes: int,
    connect_timeout: float = CONNECT_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Fetched:
    """GET ``address`` and return the page's bytes with where and when they came from.

    ``progress(received, total_or_None)`` is called as the body arrives;
    ``cancelled()`` is asked between chunks (raises ``Cancelled``).
    """
    import httpx
    from urllib.parse import urlsplit

    address = check_address(address)
    host = urlsplit(address).hostname or address
    deadline = time.monotonic() + total_timeout
    timeout = httpx.Timeout(total_timeout, connect=min(connect_timeout, total_timeout))
    late = FetchFailed(f"{host} took more than {_seconds(total_timeout)} to send the page; try again later.")

    def check_cancel() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("The download was cancelled.")

    check_cancel()
    try:
        with httpx.Client(
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"},
        ) as client:
            with client.stream("GET", address) as response:
                if isinstance(cancelled, CancelToken):
                    stream = response.extensions.get("network_stream")
                    sock = stream.get_extra_info("socket") if stream is not None else None
                    if sock is not None:
                        cancelled.watch(sock)
                final = str(response.url)
                if response.status_code >= 400:
                    raise FetchFailed(_status_sentence(final, response.status_code))
                if response.status_code >= 300:  # a redirect without a usable Location
                    raise FetchFailed(f"{_short(final)} answered {response.status_code} without saying where the page moved.")
                media_type, charset = _content_type(response.headers.get("content-type", ""))
                if media_type and media_type not in PAGE_TYPES:
                    raise FetchFailed(
                        f"{_short(final)} is not a web page but “{media_type}”; download it and import the file instead."
                    )
                too_large = FetchFailed(f"{_short(final)} is larger than the {_size(max_bytes)} import limit.")
                declared = _int(response.headers.get("content-length"))
                if declared is not None and declared > max_bytes:
                    raise too_large
                chunks: list[bytes] = []
                received = 0
                if progress is not None:
                    progress(0, declared)
                for chunk in response.iter_bytes(_CHUNK):
                    check_cancel()
                    received += len(chunk)
                    if received > max_bytes:
                        raise too_large
                    chunks.append(chunk)
                    if progress is not None:
                        progress(received, declared)
                    if time.monotonic() > deadline:
                        raise late
                check_cancel()
                retrieved = utc_now()
    except (FetchFailed, Cancelled):
        raise
    except Exception as exc:
        if cancelled is not None and cancelled():  # the connection was shut down to cancel
            raise Cancelled("The download was cancelled.") from None
        failure = _failure(exc, address, host, connect_timeout, total_timeout, max_redirects, late)
        if failure is None:
            raise
        raise failure from None
    if not media_type:
        media_type = "text/html"  # undeclared: the importer decides whether it reads as a page
    return Fetched(b"".join(chunks), media_type, charset, final, retrieved)


def _failure(exc: Exception, address, host, connect_timeout, total_timeout, max_redirects, late) -> FetchFailed | None:
    """The sentence for an error of the HTTP client (None for any other error)."""
    import httpx

    if isinstance(exc, httpx.TooManyRedirects):
        return FetchFailed(f"{_short(address)} redirects more than {max_redirects} times; the page cannot be reached.")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchFailed(f"{_short(address)} redirects to an address that is not http or https.")
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchFailed(f"{host} did not answer within {_seconds(min(connect_timeout, total_timeout))}.")
    if isinstance(exc, httpx.TimeoutException):
        return late
    if isinstance(exc, httpx.ConnectError):
        log.info("connecting to %s failed: %s", host, exc)
        if "ssl" in str(exc).lower() or "certificate" in str(exc).lower():
            return FetchFailed(f"The secure connection to {host} failed (its certificate could not be verified).")
        return FetchFailed(f"{host} could not be reached (no network, or the server is down or unknown).")
    if isinstance(exc, httpx.HTTPError):
        log.info("fetching %s failed: %r", address, exc)
        return FetchFailed(f"{host} sent an answer that could not be read ({type(exc).__name__}).")
    return None


def _status_sentence(address: str, code: int) -> str:
    try:
        from http import HTTPStatus

        reason = HTTPStatus(code).phrase
    except ValueError:
        reason = "an error"
    if code == 404 or code == 410:
        return f"{_short(address)} was not found on the server ({code} {reason})."
    if code in (401, 403):
        return f"{_short(address)} is not open to the public ({code} {reason}); save the page from your browser and import the file."
    if code >= 500:
        return f"The server of {_short(address)} failed to send the page ({code} {reason}); try again later."
    return f"{_short(address)} answered {code} {reason} instead of the page."


def _content_type(value: str) -> tuple[str, str | None]:
    if not value.strip():
        return "", None
    from email.message import Message

    message = Message()
    message["content-type"] = value
    media_type = message.get_content_type().lower()
    charset = message.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    return media_type, (str(charset).strip() or None) if charset else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
