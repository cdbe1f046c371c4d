"""The catalogue answers the whole list of issues: every numeric request has a spec quoting the committee."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from validators.spec.lint import load_catalogue

ROOT = Path(__file__).resolve().parents[3]
# Copy of the seed document (CMW list of issues prior to reporting, Peru, adopted April 2022).
LIST_OF_ISSUES = ROOT / "tests" / "fixtures" / "list_of_issues_peru_2022.txt"

# Every paragraph that asks for statistics, numbers, data or estimates, read line by line.
NUMERIC_PARAGRAPHS = {
    "4": "statistical data ... on labour migration movements; studies or estimates on irregular migrant workers",
    "9(e)": "complaints lodged against recruitment agencies, inspections, penalties",
    "10(b)": "the number and types of complaints ... and their outcome",
    "15": "statistical data ... on the nature of charges and sentences (abuse of authority)",
    "17": "statistical data ... on consular assistance to Peruvian migrant workers",
    "23": "statistical data ... on pre-departure training programmes",
    "33": "whether there has been a reduction in the number of migrants in an irregular situation",
    "36": "statistics or estimates of irregular entries and stays",
    **{f"40({x})": "Section III" for x in "abcdefghi"},
}

# The committee's words for a breakdown -> the dimension id that gives it.
NAMED = {"sex": "sex", "age": "age", "nationality": "nationality", "field of occupation": "occupation",
         "migration status": "migration_status", "purpose of trafficking": "trafficking_purpose"}


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def catalogue():
    cat, problems = load_catalogue(ROOT / "specs")
    assert problems == []   # lint is clean
    return cat


@pytest.fixture(scope="module")
def seed() -> str:
    return normalised(LIST_OF_ISSUES.read_text(encoding="utf-8"))


def test_every_request_quotes_the_committee_verbatim(catalogue, seed):
    misquoted = [r.id for r in catalogue.requests.values() if normalised(r.asks) not in seed]
    assert misquoted == []


def test_every_numeric_paragraph_has_a_spec(catalogue):
    covered = {p for r in catalogue.requests.values() for p in r.paragraphs}
    assert sorted(set(NUMERIC_PARAGRAPHS) - covered) == []


def test_paragraph_4_asks_several_distinct_tables(catalogue):
    para4 = [r.id for r in catalogue.requests.values() if "4" in r.paragraphs]
    assert {"04-labour-movements", "04-irregular-estimates", "04-unaccompanied-children"} <= set(para4)


def test_request_ids_start_with_their_paragraph(catalogue):
    for req in catalogue.requests.values():
        first = req.paragraphs[0]
        prefix = re.sub(r"[()]", "", first)
        assert req.id.startswith(prefix.zfill(2) if prefix.isdigit() else prefix.zfill(3)), req.id


def test_named_breakdowns_are_required_exactly(catalogue):
    """'disaggregated by sex, age, ...': each named breakdown is a breakdown (delivered or explained)."""
    checked = 0
    for req in catalogue.requests.values():
        match = re.search(r"disaggregated by ([^;.]*?)(?:, on |$)", normalised(req.asks))
        if not match or "relevant factors" in match.group(1):
            continue
        named = {dim for words, dim in NAMED.items() if re.search(rf"\b{words}\b", match.group(1))}
        dims = {d for d, _ in req.dimensions()}
        assert named <= dims, (req.id, sorted(named - dims))
        checked += 1
    assert checked >= 6   # 04-*, 10b-*, 40f, 40h-*: the regex did find the committee's lists


def test_relevant_factors_are_chosen_and_explained(catalogue):
    for req in catalogue.requests.values():
        if "relevant factors" in req.asks:
            assert req.breakdowns and len(req.why_breakdowns) > 40, req.id


def test_periods_follow_the_committees_words(catalogue):
    for req in catalogue.requests.values():
        asks = normalised(req.asks)
        if "since the adoption of the" in asks:
            assert req.period.from_ == "previous-concluding-observations", req.id
        elif "since the Convention entered into force" in asks:
            assert req.period.from_ == "convention-in-force", req.id
        elif "since those measures entered into force" in asks:
            assert req.period.from_ == "visa-requirements-2019", req.id
        assert req.period.why, req.id


def test_section_three_defaults_to_the_last_three_years(catalogue):
    """40(b)-(i) state no period of their own: 'for the last three years, unless indicated otherwise'."""
    for req in catalogue.requests.values():
        if req.paragraphs[0].startswith("40(") and req.paragraphs[0] not in ("40(a)", "40(f)"):
            assert req.period.from_ == "last-3-years", req.id
