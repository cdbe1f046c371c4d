"""Seeded synthetic extracts where no real extract exists, written into the landing folder in the
providers' messy style (their encodings, separators, date formats, labels and defects).

- ``movements``: Migraciones border-movement microdata (``python -m warehouse.samples.movements``).
- ``registers``: generator primitives for the other institutions' registers (columns, value pools, writers).
- ``extracts``: the catalogue of those registers and their command line (``python -m warehouse.samples.extracts``).

Nothing in the warehouse imports this package: the pipeline reads only what is in the landing folder.
"""
