"""prefect.yaml: every source is loaded by exactly one scheduled deployment, in Lima time."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from flows.deployments import POOL, TIMEZONE

ROOT = Path(__file__).resolve().parents[2]


def deployments() -> dict[str, dict]:
    return {d["name"]: d for d in YAML(typ="safe").load((ROOT / "prefect.yaml").read_text())["deployments"]}


def test_each_source_has_one_load_cadence():
    loads = [d for d in deployments().values() if d["entrypoint"] == "flows/load.py:load"]
    listed = [s for d in loads for s in d["parameters"]["sources"]]
    specs = sorted(p.stem for p in (ROOT / "specs" / "sources").glob("*.yaml"))
    assert sorted(listed) == specs, "add each new source to one load-* deployment of prefect.yaml"


def test_every_deployment_is_scheduled_in_lima_on_the_one_writer_pool():
    for name, d in deployments().items():
        assert d["work_pool"]["name"] == POOL, name
        assert [s["timezone"] for s in d["schedules"]] == [TIMEZONE], name
    assert deployments()["edition"]["parameters"] == {"reference_date": None, "requests": None}
