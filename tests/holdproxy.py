"""A TCP proxy on 127.0.0.1 that can stop forwarding, for the tests: a team
database behind a network that still accepts every byte but delivers none
(a laptop whose wifi went quiet), until ``release()``.

    proxy = HoldingProxy(("127.0.0.1", server_port))
    url = f"postgresql://user@127.0.0.1:{proxy.port}/db"
    proxy.hold()      # connections stay open, nothing passes either way (for 20 s at most)
    proxy.release()   # what was sent meanwhile is delivered
    proxy.close()     # every connection closed, the listener too

Only sockets this object opened are touched; its threads are daemons."""

from __future__ import annotations

import socket
import threading


class HoldingProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.connections = 0  # accepted so far
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def hold(self, release_after: float = 20.0) -> None:
        """Stop forwarding; a test whose code waits on the network on its
        own thread would wait for ever, so the proxy lets go by itself after
        ``release_after`` seconds (and the test's checks then fail)."""
        self._flowing.clear()
        self._valve = threading.Timer(release_after, self._flowing.set)
        self._valve.daemon = True
        self._valve.start()

    def release(self) -> None:
        self._flowing.set()
        valve = getattr(self, "_valve", None)
        if valve is not None:
            valve.cancel()

    @property
    def holding(self) -> bool:
        return not self._flowing.is_set()

    def close(self) -> None:
        self._closed.set()
        self._flowing.set()  # pumps waiting to forward see the close
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in [self._listener, *sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._closed.is_set():
                    client.close()
                    server.close()
                    return
                self._sockets += [client, server]
                self.connections += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True, name="proxy-pump").start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            # held: what arrived waits here (the sender's kernel has taken it), nothing goes on
            while not self._flowing.wait(0.05):
                if self._closed.is_set():
                    return
            if not data or self._closed.is_set():
                for sock in (source, target):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            try:
                target.sendall(data)
            except OSError:
                return
