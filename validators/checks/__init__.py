"""What is checked: every table check declared once (registry), run by pandera and GX.

- `registry.py`: the checks, each with its pandera and GX forms; a new check goes there.
- `schema.py`, `gx.py`: the two engines; `validate.py`: both, for one table, before publishing.
- `additivity.py`: pure functions over a table; `freshness.py`: how old each source is.
"""

from .context import TableContext
from .freshness import freshness_findings
from .validate import TableValidation, validate_table

__all__ = ["TableContext", "TableValidation", "freshness_findings", "validate_table"]
