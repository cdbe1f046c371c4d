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


def test_freshness_limits_are_inclusive_days_and_a_source_without_data_is_an_error():
    minsa = CAT.sources["minsa-covid-deaths"]  # warn after 60 days, error after 365
    ref = date(2021, 1, 1)

    def severity(days_old: int | None) -> list[tuple[str, object]]:
        newest = {"minsa-covid-deaths": None if days_old is None else date.fromordinal(ref.toordinal() - days_old)}
        return [(f.severity, f.value) for f in freshness_findings({"minsa-covid-deaths": minsa}, newest, ref)]

    assert severity(60) == []                      # exactly the warning limit: still fresh
    assert severity(61) == [("warning", "61")]
    assert severity(365) == [("warning", "365")]  # exactly the error limit: a warning
    assert severity(366) == [("error", "366")]
    (empty,) = freshness_findings({"minsa-covid-deaths": minsa}, {}, ref)
    assert (empty.severity, empty.value) == ("error", None)
    assert empty.message == ("source 'minsa-covid-deaths' is stale at 2021-01-01: holds no data; "
                             "allowed 60 days (warn), 365 (error)")


def test_every_source_with_a_freshness_rule_is_checked_not_only_those_before_one_without():
    sources = {s: CAT.sources[s] for s in ("iom-movements", "minsa-covid-deaths", "wdi-remittances")}
    assert CAT.sources["iom-movements"].freshness is not None
    no_rule = sources["iom-movements"].model_copy(update={"freshness": None})
    found = freshness_findings({"a-first": no_rule, **sources}, {}, date(2025, 6, 30))
    assert [f.spec for f in found] == [s for s in sorted(sources) if sources[s].freshness is not None]
