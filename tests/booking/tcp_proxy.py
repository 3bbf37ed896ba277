"""A TCP proxy in front of PostgreSQL that a test can kill, restart, or make drop a connection at a chosen
statement: a database outage in the middle of a submit, without touching the shared server."""

from __future__ import annotations

import socket
import threading
from typing import List, Optional


class TcpProxy:
    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = port
        self._listener: Optional[socket.socket] = None
        self._sockets: List[socket.socket] = []
        self._lock = threading.Lock()
        self._cut_pattern: Optional[bytes] = None
        self._cut_after_forward = False
        self.cuts = 0

    # -- control ---------------------------------------------------------------------------------------------
    def start(self) -> "TcpProxy":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """The database "goes away": no new connections, every open one is cut."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, []
        if listener is not None:
            listener.close()
        for sock in sockets:
            self._kill(sock)

    def cut_on(self, pattern: bytes, after_forward: bool = False) -> None:
        """Cut the connection that sends `pattern` (e.g. b"COMMIT"): before the server sees it, or after it was
        forwarded (the server acts, the client never hears back)."""
        self._cut_pattern, self._cut_after_forward = pattern, after_forward

    def heal(self) -> None:
        self._cut_pattern = None

    # -- plumbing --------------------------------------------------------------------------------------------
    @staticmethod
    def _kill(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                self._kill(client)
                continue
            with self._lock:
                if self._listener is not listener:
                    self._kill(client)
                    self._kill(upstream)
                    return
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                pattern = self._cut_pattern
                if from_client and pattern and pattern in data:
                    self.cuts += 1
                    if self._cut_after_forward:
                        sink.sendall(data)
                        # The client loses its connection now, before any answer can reach it; the server keeps
                        # its end a moment longer so that it acts on what it was sent.
                        self._kill(source)
                        threading.Timer(0.5, self._kill, args=(sink,)).start()
                        return
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._kill(source)
            self._kill(sink)
