#!/usr/bin/env sh
# Prints a Python 3.10 interpreter: Rasa 3.6 does not install on 3.11+.
for candidate in "${PYTHON310:-}" python3.10 "$(pyenv root 2>/dev/null)/versions/3.10"*/bin/python3.10 \
                 /root/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "Python 3.10 not found: install it (e.g. pyenv install 3.10) or set PYTHON310=/path/to/python3.10" >&2
exit 1
