#!/usr/bin/env python3
"""Exits 0 when every partition of the given topics has a leader on the broker, 1 otherwise.

Speaks Kafka's Metadata request v0 directly (it is understood by every broker from 0.8 on), so the stack can wait
for topics without a JVM start per check or a Kafka client installed on the machine.
usage: kafka-topic-ready.py HOST:PORT PARTITIONS TOPIC [TOPIC ...]
"""
import socket
import struct
import sys


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        data += chunk
    return data


def metadata(host, port, topics):
    body = struct.pack(">hhih", 3, 0, 1, len(b"stack")) + b"stack"  # api key 3 (Metadata), v0, correlation 1
    body += struct.pack(">i", len(topics))
    for t in topics:
        body += struct.pack(">h", len(t)) + t.encode()
    with socket.create_connection((host, port), timeout=3) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        (size,) = struct.unpack(">i", read_exact(sock, 4))
        return read_exact(sock, size)


def parse(buf):
    pos = 4  # correlation id

    def i16():
        nonlocal pos
        (v,) = struct.unpack_from(">h", buf, pos); pos += 2; return v

    def i32():
        nonlocal pos
        (v,) = struct.unpack_from(">i", buf, pos); pos += 4; return v

    def string():
        nonlocal pos
        n = i16(); s = buf[pos:pos + n].decode(); pos += n; return s

    for _ in range(i32()):  # brokers
        i32(); string(); i32()
    topics = {}
    for _ in range(i32()):
        error = i16(); name = string(); leaders = []
        for _ in range(i32()):
            perror = i16(); i32(); leader = i32()
            for _ in range(i32()): i32()  # replicas
            for _ in range(i32()): i32()  # isr
            leaders.append(leader if perror == 0 else -1)
        topics[name] = (error, leaders)
    return topics


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    partitions = int(sys.argv[2])
    wanted = sys.argv[3:]
    try:
        topics = parse(metadata(host, int(port), wanted))
    except (OSError, ConnectionError, struct.error):
        return 1
    for t in wanted:
        error, leaders = topics.get(t, (-1, []))
        if error != 0 or len(leaders) < partitions or any(l < 0 for l in leaders):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
