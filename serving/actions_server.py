"""`python -m serving actions --port 5055`: the rasa_sdk action server, answering only the Rasa server.

Custom actions store bookings and delete data, so the server listens on loopback by default (ACTIONS_HOST) and,
wherever it listens, runs an action only for a request that carries the shared secret in the `X-Action-Token`
header: Rasa sends it from the endpoints file (`action_endpoint.headers`, filled from ACTIONS_TOKEN), which
`make run` and the test stacks set (heel.settings.actions_token: from the environment, or generated once in var/).
`/health` stays open (it says nothing). No CORS headers: no browser has a reason to call this server.
"""

from __future__ import annotations

import argparse
import hmac
import logging
from typing import Optional, Sequence

from heel.settings import actions_token, get_settings

logger = logging.getLogger(__name__)
TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})


def create_app(token: str, package: str = "actions"):
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    app = sdk_app(package, cors_origins=None)

    @app.middleware("request")
    async def require_token(request):  # type: ignore[no-untyped-def]
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(request.headers.get(TOKEN_HEADER, "").encode(), token.encode()):
            return response.json({"error": "forbidden"}, status=403)
        return None

    return app


def main(argv: Optional[Sequence[str]] = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m serving actions", description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(actions_token(settings), args.actions)
    app.run(host=settings.actions_host, port=args.port, workers=1, access_log=False)
    return 0
