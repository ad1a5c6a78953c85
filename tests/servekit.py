"""HTTP helpers for the preview-server tests: plain requests, raw request lines, event streams."""

from __future__ import annotations

import http.client
import json
import socket

Address = tuple[str, int]


def fetch(address: Address, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request: status, headers, body."""
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def fetch_raw(address: Address, target: bytes) -> tuple[int, bytes]:
    """Send a request line exactly as given (no client-side normalisation): status, all bytes."""
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


class EventStream:
    """The server's Server-Sent Events, read one state at a time."""

    def __init__(self, address: Address, timeout: float = 10):
        self.connection = http.client.HTTPConnection(*address, timeout=timeout)
        self.connection.request("GET", "/__sitegen/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")

    def next_state(self) -> dict | None:
        """The next state event, or None when the stream ended."""
        data = None
        while line := self.response.fp.readline():
            if line.startswith(b"data: "):
                data = json.loads(line[6:])
            elif line in (b"\n", b"\r\n") and data is not None:
                return data
        return None

    def settled(self) -> dict:
        """The first state after the build in progress (intermediate states may be skipped)."""
        while (state := self.next_state()) is not None and state["building"]:
            pass
        assert state is not None, "the event stream ended"
        return state

    def close(self) -> None:
        self.connection.close()
