"""What is released: the edition writer (staging, then one rename), its manifest, the output
formats (one module each in formats/), and the history of published editions."""

from .edition import EDITION, publish_edition, published_columns, recover_editions
from .manifest import build_manifest, request_entry

__all__ = ["EDITION", "build_manifest", "publish_edition", "published_columns", "recover_editions",
           "request_entry"]
