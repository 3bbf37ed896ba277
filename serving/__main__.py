"""`python -m serving run --model ... --endpoints ...`: Rasa's own command line, after installing the fixes of
serving/action_validation.py. Everything else (arguments, channels, stores) is Rasa's."""
from __future__ import annotations

import sys


def main() -> None:
    from rasa.__main__ import main as rasa_main

    from serving import action_validation

    action_validation.install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
