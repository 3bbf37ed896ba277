"""scripts/audit.py's reading of OSV ranges: an audit that misreads them would pass everything."""

from scripts.audit import affects, findings


def affected(*events, versions=()):
    return {"package": "demo", "ranges": [{"type": "ECOSYSTEM", "events": list(events)}], "versions": list(versions)}


def test_introduced_and_fixed():
    window = affected({"introduced": "0"}, {"fixed": "2.11.3"})
    assert affects(window, "2.11.2") and affects(window, "1.0")
    assert not affects(window, "2.11.3") and not affects(window, "3.0")


def test_last_affected_and_several_windows():
    window = affected({"introduced": "1.0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"last_affected": "2.3"})
    assert affects(window, "1.1") and affects(window, "2.3") and affects(window, "2.0.1")
    assert not affects(window, "0.9") and not affects(window, "1.5") and not affects(window, "2.4")


def test_enumerated_versions_without_ranges():
    assert affects({"package": "demo", "ranges": [], "versions": ["1.0b1"]}, "1.0b1")
    assert not affects({"package": "demo", "ranges": [], "versions": ["1.0b1"]}, "1.0")


def test_findings_match_canonical_names():
    advisory = {
        "id": "X-1",
        "link": "l",
        "affected": [dict(affected({"introduced": "0"}, {"fixed": "2"}), package="Demo_Pkg")],
    }
    assert findings([advisory], {"demo-pkg": "1.5"}) == [
        {"id": "X-1", "package": "demo-pkg", "version": "1.5", "link": "l"}
    ]
    assert findings([advisory], {"demo-pkg": "2.0"}) == []
