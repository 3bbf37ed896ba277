"""`python -m serving run --model ... --endpoints ...`: Rasa's own command line, after installing two fixes for costs
that grow with traffic (serving/action_validation.py, serving/event_types.py). Everything else (arguments, channels,
stores) is Rasa's.

`python -m serving purge [--days N]`: the retention job (serving/purge.py).
`python -m serving actions --port 5055`: the action server behind its shared secret (serving/actions_server.py)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["purge"]:
        from serving.purge import main as purge_main

        sys.exit(purge_main(sys.argv[2:]))
    if sys.argv[1:2] == ["actions"]:
        from serving.actions_server import main as actions_main

        sys.exit(actions_main(sys.argv[2:]))

    from rasa.__main__ import main as rasa_main

    from serving import action_validation, event_types, sqlite_tuning

    action_validation.install()
    event_types.install()
    sqlite_tuning.install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
