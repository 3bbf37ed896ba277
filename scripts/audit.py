"""Dependency audit: every installed Python distribution against known advisories (PyPA advisory database, OSV).

This machine and CI reach the package registry but no advisory service (pip-audit's PyPI service needs the
per-version JSON API, which is not served here; OSV is not reachable), so the audit runs on a committed extract:

- `requirements/advisories.json`: the advisories of the PyPA advisory database (github.com/pypa/advisory-database,
  commit and date in the file) for the distributions we install, reduced to id, aliases, affected ranges and link;
  `--refresh DIR` rebuilds it from a checkout of that repository.
- `requirements/audit-exceptions.yml`: the advisories that affect an installed version and cannot be fixed under
  Rasa 3.6's pins, each with its reason and why we are not exposed, or what limits the exposure.

`make audit` (part of `make test`) fails when an installed version is affected by an advisory that is not listed
as an exception, and when an exception no longer applies (so the list stays true).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = ROOT / "requirements" / "advisories.json"
EXCEPTIONS = ROOT / "requirements" / "audit-exceptions.yml"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(python: str) -> Dict[str, str]:
    """{canonical name: version} of the distributions in the environment of `python`."""
    code = "import json, importlib.metadata as m; print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    found = json.loads(subprocess.check_output([python, "-c", code], text=True))
    return {canonical(name): version for name, version in found.items() if name}


def _version(text: str) -> Optional[Version]:
    try:
        return Version(str(text))
    except InvalidVersion:
        return None


def affects(affected: Dict[str, Any], version: str) -> bool:
    """OSV semantics for PyPI: listed versions, or ECOSYSTEM ranges of introduced / fixed / last_affected events."""
    if version in affected.get("versions", []):
        return True
    mine = _version(version)
    if mine is None:
        return False
    for window in affected.get("ranges", []):
        if window.get("type") != "ECOSYSTEM":
            continue
        opened: Optional[Version] = None  # the start of the interval being read; None = not inside one
        for event in window.get("events", []):
            if "introduced" in event:
                opened = Version("0") if event["introduced"] == "0" else _version(event["introduced"])
            elif opened is not None and ("fixed" in event or "last_affected" in event):
                end = _version(event.get("fixed") or event.get("last_affected"))
                if end is not None and opened <= mine and (mine < end if "fixed" in event else mine <= end):
                    return True
                opened = None
        if opened is not None and mine >= opened:
            return True
    return False


def findings(advisories: Iterable[Dict[str, Any]], versions: Dict[str, str]) -> List[Dict[str, str]]:
    found = []
    for advisory in advisories:
        for affected in advisory["affected"]:
            name = canonical(affected["package"])
            if name in versions and affects(affected, versions[name]):
                found.append(
                    {"id": advisory["id"], "package": name, "version": versions[name], "link": advisory["link"]}
                )
    return found


def ranges_of(item: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [window for window in item.get("ranges", []) if window.get("type") == "ECOSYSTEM"]


def refresh(database: Path, versions: Dict[str, str], commit: Optional[str] = None) -> Dict[str, Any]:
    """The extract for the installed distributions from a checkout (or export) of pypa/advisory-database."""
    commit = (
        commit
        or subprocess.run(
            ["git", "-C", str(database), "log", "-1", "--format=%H %cs"], capture_output=True, text=True
        ).stdout.strip()
    )
    entries = []
    for path in sorted((database / "vulns").glob("*/*.yaml")):
        if canonical(path.parent.name) not in versions:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("withdrawn"):
            continue
        affected = [
            {
                "package": item["package"]["name"],
                "ranges": [{"events": r["events"], "type": "ECOSYSTEM"} for r in ranges_of(item)],
                # the enumerated versions only where no range says it (ranges cover them for PyPI)
                "versions": [] if ranges_of(item) else item.get("versions", []),
            }
            for item in data.get("affected", [])
            if item.get("package", {}).get("ecosystem") == "PyPI"
        ]
        entries.append(
            {
                "id": data["id"],
                "aliases": data.get("aliases", []),
                "affected": affected,
                "link": f"https://github.com/pypa/advisory-database/blob/main/vulns/{path.parent.name}/{path.name}",
            }
        )
    return {"source": "https://github.com/pypa/advisory-database", "commit": commit, "advisories": entries}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--refresh", type=Path, help="rebuild the extract from a pypa/advisory-database checkout")
    parser.add_argument("--commit", help="with --refresh of an export without git: its commit and date")
    args = parser.parse_args(argv)
    versions = installed(args.python)
    if args.refresh:
        extract = refresh(args.refresh, versions, args.commit)
        # One advisory per line: a refresh shows in git as the advisories that changed.
        lines = ",\n".join(json.dumps(advisory, sort_keys=True) for advisory in extract["advisories"])
        head = {"source": extract["source"], "commit": extract["commit"]}
        ADVISORIES.write_text(f'{json.dumps(head)[:-1]}, "advisories": [\n{lines}\n]}}\n', encoding="utf-8")
        print(f"{ADVISORIES.relative_to(ROOT)}: {len(extract['advisories'])} advisories ({extract['commit']})")
    extract = json.loads(ADVISORIES.read_text(encoding="utf-8"))
    exceptions = {item["id"]: item for item in (yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8")) or [])}
    found = findings(extract["advisories"], versions)
    open_ = [f for f in found if f["id"] not in exceptions]
    stale = sorted(set(exceptions) - {f["id"] for f in found})
    print(
        f"audit: {len(versions)} distributions, {len(extract['advisories'])} advisories "
        f"(pypa/advisory-database {extract['commit']}); {len(found)} affect installed versions, "
        f"{len(found) - len(open_)} of them listed with a reason in {EXCEPTIONS.relative_to(ROOT)}"
    )
    for item in open_:
        print(f"  NOT LISTED: {item['id']} {item['package']} {item['version']} {item['link']}")
    for advisory_id in stale:
        print(f"  NO LONGER APPLIES (remove it from the exceptions): {advisory_id}")
    return 1 if open_ or stale else 0


if __name__ == "__main__":
    sys.exit(main())
