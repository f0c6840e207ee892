"""Tiny DNS responder: answers every UDP/TCP query with NXDOMAIN (rcode 3).

Keeps test containers' lookups of unknown names on the machine: the outer
dockerd's embedded DNS (127.0.0.11) forwards anything it cannot resolve here.
Stdlib only; run with the host Python bind-mounted into a busybox container.
"""

import socket
import struct
import sys
import threading


def answer(query: bytes) -> bytes | None:
    if len(query) < 12:
        return None
    tid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000:  # a response, not a query
        return None
    i = 12
    for _ in range(qdcount):
        while i < len(query) and query[i] != 0:
            if query[i] & 0xC0:
                i += 1
                break
            i += query[i] + 1
        i += 5  # terminating zero + QTYPE + QCLASS
    i = min(i, len(query))
    rflags = 0x8000 | (flags & 0x7900) | 0x0080 | 3  # QR, opcode+RD echoed, RA, NXDOMAIN
    return struct.pack("!HHHHHH", tid, rflags, qdcount, 0, 0, 0) + query[12:i]


def serve_udp(sock: socket.socket) -> None:
    while True:
        data, addr = sock.recvfrom(4096)
        resp = answer(data)
        if resp:
            sock.sendto(resp, addr)


def serve_tcp(sock: socket.socket) -> None:
    while True:
        conn, _ = sock.accept()
        with conn:
            conn.settimeout(2)
            try:
                (n,) = struct.unpack("!H", conn.recv(2))
                resp = answer(conn.recv(n))
                if resp:
                    conn.sendall(struct.pack("!H", len(resp)) + resp)
            except (OSError, struct.error):
                pass


def main() -> None:
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", 53))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("0.0.0.0", 53))
    tcp.listen(16)
    threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
    print("nxdns ready", flush=True)
    sys.stdout.flush()
    serve_udp(udp)


if __name__ == "__main__":
    main()
