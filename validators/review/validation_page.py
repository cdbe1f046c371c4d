"""An offline page of the GX validation results: no CDN, no JS, inline CSS.

GX's own Data Docs pull bootstrap, jQuery, vega and font-awesome from CDNs, which reviewers on
closed networks cannot reach, and the installed package does not ship them; so we render the
same results (expectation, kwargs, success, observed counts, failing values) ourselves.
"""

from __future__ import annotations

import json

from jinja2 import Environment

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>GX validation – edition {{ edition }}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}.ok{color:#176b2c}.bad{color:#b00020;font-weight:bold}
code{font-size:12px}</style></head><body>
<h1>Great Expectations validation – edition {{ edition }}</h1>
<p>{{ results|length }} table(s) validated; {{ failed }} failing expectation(s). JSON results: <code>&lt;request&gt;.json</code>, suites: <code>&lt;request&gt;.suite.json</code>.</p>
{% for rid, res in results.items() %}
<h2 id="{{ rid }}">{{ rid }} – <span class="{{ 'ok' if res.success else 'bad' }}">{{ 'passed' if res.success else 'FAILED' }}</span></h2>
<p>{{ res.statistics.successful_expectations }} of {{ res.statistics.evaluated_expectations }} expectations met.</p>
<table><tr><th>expectation</th><th>check</th><th>arguments</th><th>result</th><th>failing values (row)</th></tr>
{% for r in res.results %}{% set c = r.expectation_config %}{% set x = r.result or {} %}
<tr class="{{ 'ok' if r.success else 'bad' }}" data-expectation="{{ c.type }}"><td>{{ c.type }}</td><td>{{ c.meta.check }}</td>
<td><code>{{ args(c.kwargs) }}</code></td><td>{{ 'ok' if r.success else 'failed' }}{% if x.unexpected_count %} – {{ x.unexpected_count }} of {{ x.element_count }}{% endif %}</td>
<td>{% for v in x.partial_unexpected_list or [] %}{{ v }}{% if x.partial_unexpected_index_list %} ({{ x.partial_unexpected_index_list[loop.index0] + 1 }}){% endif %}{{ ', ' if not loop.last }}{% endfor %}</td></tr>
{% endfor %}</table>{% endfor %}</body></html>"""


def _args(kwargs: dict) -> str:
    shown = {k: (v if not isinstance(v, list) or len(v) <= 8 else v[:8] + [f"... {len(v) - 8} more"])
             for k, v in kwargs.items() if k != "batch_id"}
    return json.dumps(shown, ensure_ascii=False)


def render_validation_html(edition: str, results: dict[str, dict]) -> str:
    env = Environment(autoescape=True)
    failed = sum(not r["success"] for res in results.values() for r in res["results"])
    return env.from_string(PAGE).render(edition=edition, results=results, failed=failed, args=_args)
