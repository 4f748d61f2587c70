"""A cache for the worker that is killed mid-publish: when the publication it runs records that it is halfway through
its pairs, it says so (the marker file the test waits for) and never returns, so the worker holds the publishing
transaction open until the test kills it."""

import os
import threading
from pathlib import Path

from django.core.cache.backends.locmem import LocMemCache


class HangHalfwayThroughPublishing(LocMemCache):
    def set(self, key, value, *args, **kwargs):
        halfway = 0 < value["total"] <= 2 * value["done"] < 2 * value["total"] if isinstance(value, dict) else False
        if key.startswith("matching:publish-progress:") and halfway:
            Path(os.environ["TWOWAY_FAULT_MARKER"]).write_text(f"{value['done']} of {value['total']}")
            threading.Event().wait()
        return super().set(key, value, *args, **kwargs)
