"""The client's address behind trusted reverse proxies, for sign-in throttling (django-axes).

Each proxy appends the address it received the request from to X-Forwarded-For, so only the
last TRUSTED_PROXY_COUNT entries were written by proxies we run; anything to their left was
sent by the client and can be forged. With no proxy (the default), the socket's peer is used
and the header is ignored.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote  # not through every trusted proxy: a direct request, judged by its peer
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
