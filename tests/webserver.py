"""A small web server on 127.0.0.1 for the tests of importing by address.

Routes: /news/harbour (a saved news page), /redirect/N (N redirects, then the
page), /loop (redirects forever), /missing (404), /broken (500), /slow (sends
nothing until the test ends), /endless (a body that never ends), /file.zip
(application/zip), /huge (declares 60 MB), /to-ftp (redirects to ftp:), /latin1
(a page whose charset is only in the header). Every request is recorded with
its headers, so that tests can check the user agent.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
LATIN1_PAGE = (
    "<html><head><title>Café crème</title></head><body><article><h1>Café crème</h1>"
    + "<p>Le café crème coûte désormais 3,20 € à la terrasse du port, selon le relevé des prix.</p>" * 6
    + "</article></body></html>"
).replace("€", "EUR").encode("latin-1")


class WebServer:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server.requests.append({"path": self.path, "headers": dict(self.headers)})
                server.route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # ----------------------------------------------------------- routes
    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path.startswith("/news/"):
            name = path.split("/")[-1]
            page = FIXTURES / f"{name}-herald.html" if name == "harbour" else FIXTURES / f"{name}.html"
            if not page.is_file():
                return self.send(h, 404, b"<h1>Not found</h1>")
            return self.send(h, 200, page.read_bytes(), "text/html; charset=utf-8")
        if path.startswith("/redirect/"):
            n = int(path.split("/")[-1])
            target = "/news/harbour" if n <= 1 else f"/redirect/{n - 1}"
            return self.send(h, 302, b"", headers={"Location": target})
        if path == "/loop":
            return self.send(h, 302, b"", headers={"Location": "/loop"})
        if path == "/to-ftp":
            return self.send(h, 301, b"", headers={"Location": "ftp://127.0.0.1/file.html"})
        if path == "/missing":
            return self.send(h, 404, b"<html><body><h1>Page not found</h1></body></html>")
        if path == "/broken":
            return self.send(h, 500, b"<html><body>Internal error</body></html>")
        if path == "/file.zip":
            return self.send(h, 200, b"PK\x03\x04" + b"\0" * 100, "application/zip")
        if path == "/huge":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", str(60 * 1024 * 1024))
            h.end_headers()
            return
        if path == "/latin1":
            return self.send(h, 200, LATIN1_PAGE, "text/html; charset=ISO-8859-1")
        if path == "/slow":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.flush()
            self.stop.wait(30)  # never sends the body
            return
        if path == "/endless":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"<p>" + b"more text " * 800 + b"</p>\n"
            try:
                while not self.stop.is_set():
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # the client hung up: the point of the test
                pass
            return
        self.send(h, 404, b"not here")

    @staticmethod
    def send(h, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers=None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(body)


@pytest.fixture
def web_server():
    server = WebServer()
    try:
        yield server
    finally:
        server.close()
