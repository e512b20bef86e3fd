#!/usr/bin/env python3
"""A minimal OTLP/HTTP trace sink for the overhead benchmark: accepts every POST to /v1/traces,
reads the body, answers 200 with an empty ExportTraceServiceResponse, and counts what it got.
It stands in for a collector so the agent's export cost (serialisation and HTTP) is measured."""
import http.server
import sys
import threading

received = {"requests": 0, "bytes": 0}
lock = threading.Lock()


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            received["requests"] += 1
            received["bytes"] += len(body)
            if received["requests"] % 100 == 1:
                print("otlp sink: %d export requests, %d bytes so far" % (received["requests"], received["bytes"]), flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 4318
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Sink)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        print("otlp sink: %d export requests, %d bytes" % (received["requests"], received["bytes"]), flush=True)


if __name__ == "__main__":
    main()
