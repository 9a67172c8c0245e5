"""spark-submit jobs/run_pipeline.py --env staging [--from-stage S] [--to-stage S]"""

import inspect
import os
import sys
from pathlib import Path

from scout_spark.cli.pipeline import main

# Uploaded as <artifacts>jobs/ beside <artifacts>conf/: where no platform setting names the
# conf folder (Databricks serverless takes no environment variables), it is found from here.
# The code's file name, not __file__: Databricks runs a script through exec(), without one.
HERE = Path(inspect.currentframe().f_code.co_filename).resolve()  # type: ignore[union-attr]
BESIDE = HERE.parents[1] / "conf"

if __name__ == "__main__":
    if BESIDE.is_dir():
        os.environ.setdefault("SCOUT_CONF_DIR", str(BESIDE))
    sys.exit(main())
