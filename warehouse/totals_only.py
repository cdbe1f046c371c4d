"""The cells a request publishes when a breakdown's code is given only in total (its `totals_only`).

Sex not stated is some 0.2 % of border crossings: crossed with age or nationality it is counts of
1 or 2, whose protection would withhold the large figures for women and men beside them. Such a
code, and the breakdown's total (_T), are published only where the combination's other breakdowns
are at their total or among `crossed_with`: both sexes together by age would give the not-stated
count by age back (total minus men minus women), so they go too, and nothing gives them back.
"""

from __future__ import annotations

from collections.abc import Callable

from validators.spec.model import TOTAL, Request


def kept_cells_sql(req: Request, names: dict[str, str], bind: Callable[[object], str]) -> str:
    """A condition on a cube's rows, TRUE for the cells the request publishes. ``names``: breakdown ->
    its quoted column; codes are bound as parameters.

    A row lies in a combination when every breakdown outside it is at _T. It is kept when some
    combination holding it shows it: one without the breakdown, or the row's code of it is neither
    the code given in total nor _T, or every other breakdown of the combination is at _T or crossed with.
    """
    if not req.totals_only:
        return "TRUE"
    delivered = [d for d, _ in req.delivered_dimensions()]
    shown = []
    for combo in req.combinations():
        terms = [f"{names[d]} = '{TOTAL}'" for d in delivered if d not in combo]
        for dim, only in req.totals_only.items():
            fixed = [f"{names[d]} = '{TOTAL}'" for d in combo if d != dim and d not in only.crossed_with]
            if dim in combo and fixed:
                terms.append(f"({names[dim]} NOT IN ({bind(only.code)}, '{TOTAL}') OR ({' AND '.join(fixed)}))")
        shown.append("(" + (" AND ".join(terms) or "TRUE") + ")")
    return " OR ".join(shown)
