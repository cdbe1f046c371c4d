"""Source freshness: a source whose newest data is too old is named in the edition."""

from datetime import date

from tests.catalogue import real_catalogue
from validators.checks import freshness_findings

CAT = real_catalogue()


def test_stale_sources_are_warned_or_errors_by_their_spec():
    sources = {s: CAT.sources[s] for s in ("minsa-covid-deaths", "iom-movements", "wdi-remittances")}
    newest = {"minsa-covid-deaths": date(2020, 9, 2), "iom-movements": date(2025, 4, 30), "wdi-remittances": None}
    findings = freshness_findings(sources, newest, date(2025, 6, 30))
    assert [(f.spec, f.severity) for f in findings] == [("minsa-covid-deaths", "error")]
    assert findings[0].message == ("source 'minsa-covid-deaths' is stale at 2025-06-30: newest data is 1762 days "
                                      "old (2020-09-02); allowed 60 days (warn), 365 (error)")
    later = freshness_findings(sources, newest, date(2025, 9, 30))
    assert ("iom-movements", "warning") in [(f.spec, f.severity) for f in later]
