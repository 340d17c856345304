"""``python -m vidgait.report``: print the JSON Schema of ``report.json`` (shipped as
``docs/report.schema.json``); with ``--fields``, the field table of ``docs/report.md``. Tests fail
when the shipped copies differ from these.
"""

import json
import sys

from vidgait.report import json_schema
from vidgait.report.fields import field_table

if "--fields" in sys.argv[1:]:
    print(field_table())
else:
    print(json.dumps(json_schema(), indent=2, sort_keys=True))
