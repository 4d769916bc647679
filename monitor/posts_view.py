"""Deprecated: moved to storage.post_listing (stored posts read back as interchange records).

Kept only because monitor/pipeline.py (the ingest area) still imports `post_record` from here;
the lead deletes this module when that import is changed to `storage.post_listing`.
"""

from storage.post_listing import post_record

__all__ = ["post_record"]
