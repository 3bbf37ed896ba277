"""`python -m web`: the clinic's demo website with the chat widget (port and Rasa URL from heel.settings)."""

from __future__ import annotations

import argparse
import logging

from heel.settings import get_settings
from web.server import run


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m web", description=__doc__)
    parser.add_argument("--host", default="0.0.0.0", help="interface to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=settings.web_port, help="default: WEB_PORT or 8080")
    parser.add_argument(
        "--rasa-url",
        default=settings.rasa_url,
        help="Rasa URL as the visitor's browser reaches it (default: RASA_URL or http://localhost:5005)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(args.host, args.port, args.rasa_url.rstrip("/"))


if __name__ == "__main__":
    main()
