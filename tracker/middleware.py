"""A database that has gone away is a temporary condition: say so with a 503, never a 500."""

import logging

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# Plain HTML with no template, no static file and no query: it must render with the database down.
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporarily unavailable · CA+JAD summit tracker</title></head>
<body><main><h1>Temporarily unavailable</h1>
<p>The tracker cannot reach its database just now. Please try again in a few seconds.</p></main></body></html>
"""


def unavailable_response():
    response = HttpResponse(UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_connection_failure(error):
    """Lost or refused connections, not errors in a query (those are bugs and stay 500s)."""
    return isinstance(error, (OperationalError, InterfaceError))


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DatabaseError as error:
            if not is_connection_failure(error):
                raise
            return self.database_gone(error)

    def process_exception(self, request, exception):
        # Views' exceptions reach here before Django turns them into a 500 page.
        if is_connection_failure(exception):
            return self.database_gone(exception)
        return None

    def database_gone(self, error):
        return database_gone(error)


def database_gone(error):
    logger.warning("Database unavailable: %s", error)
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()  # the next request connects afresh
    return unavailable_response()


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, but a session that cannot be saved because the database is gone gives the 503
    too: it saves on every response (SESSION_SAVE_EVERY_REQUEST), and its failure would otherwise
    become a 500 before the outer middleware could see it."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except DatabaseError as error:
            if not is_connection_failure(error):
                raise
            return database_gone(error)


class HeadWithoutBodyMiddleware:
    """A HEAD request gets the headers a GET would, Content-Length included, and no body (RFC 9110,
    9.3.2). Django leaves dropping the body to the server; gunicorn drops it and logs a warning
    for every such request. Outermost, so every response passes here last."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                # The stream's own close() stays among the response's closers: an export's slot
                # and cursor are released when the server closes the response.
                response.streaming_content = []
            else:
                response.content = b""  # its Content-Length header stays the GET's
        return response
