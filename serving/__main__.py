"""`python -m serving run --model ... --endpoints ...`: Rasa's own command line, after installing two fixes for costs
that grow with traffic (serving/action_validation.py, serving/event_types.py). Everything else (arguments, channels,
stores) is Rasa's."""

from __future__ import annotations

import sys


def main() -> None:
    from rasa.__main__ import main as rasa_main

    from serving import action_validation, event_types, sqlite_tuning

    action_validation.install()
    event_types.install()
    sqlite_tuning.install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
