"""How gunicorn serves the tracker, for `make run` and every benchmark (`--config python:summit.gunicorn`),
so that what is measured is what is run.

Two processes of four threads on a two-core machine: a long export streams in a thread while the
others answer pages. Each connection is closed after its response: a client's (or a proxy's)
kept-alive connections stay with the process that accepted them, and under wrk with 16 connections
all of them landed in one process in one run of four (half the requests per second, the other core
idle); closed, each request goes to whichever process takes it first. Behind a reverse proxy
nothing is lost: the proxy keeps its clients' connections alive itself.
"""

import gc

workers = 2
worker_class = "gthread"
threads = 4
keepalive = 0
limit_request_line = 8190
limit_request_fields = 100


def post_worker_init(worker):
    """What the worker holds once the application is loaded (Django, the URLs, the models, the
    modules) lives as long as it does: frozen out of the garbage collector's reach, a full
    collection scans only what requests made since (+10,000: 30-53 ms a collection before,
    10-19 ms after, each landing on whichever request was running)."""
    gc.freeze()
