"""Sample-data generator: realistic Scout source files with countable, switchable faults.

Choices the source contract leaves open, made here:
- Customers: `customers/segments.<ext>` is delivered once and holds every version of every
  customer (updated_at ascending); each customer's first version predates the data range.
- Folder dates (`YYYY/MM/DD`, `dt=`) and `hour=` folders are Asia/Manila local.
- Delta: a "file" is a Delta table folder at the file's path (`.../data.delta/`,
  `.../part-00000.delta/`), one commit each.
- Re-deliveries sit beside the main file: `data-<tag>.<ext>` in date folders, the next
  `part-NNNNN` in Hive partitions. Local files get the simulated landing time as mtime.
- `_manifest.json` at the root lists every file, rows per dataset, what each fault did
  (with ids) and the counts silver should end with.
"""

from scout_lab.sample.config import FAULTS, FORMATS, LAYOUTS, SampleConfig
from scout_lab.sample.generator import generate

__all__ = ["FAULTS", "FORMATS", "LAYOUTS", "SampleConfig", "generate"]
