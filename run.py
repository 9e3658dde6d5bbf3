#!/usr/bin/env python3
"""Start the Grid Command Center console (网格化服务管理指挥中心).

python run.py [--db URL] [--lang zh|en]
python run.py --screenshot shot.png [--view map|board|wall|figures|kpi|case] [--user duty]

On the first start the console's own database (the SQLite file in the user data folder) is
made and filled with the demo district (``commandcenter.cli.first_start``).
"""

import sys
import time

STARTED = time.time()  # the start-up trace's zero (bench/startup.py)

from commandcenter.cli.first_start import open_center  # noqa: E402
from ui.app import main  # noqa: E402
from ui.common import startup_trace  # noqa: E402

if __name__ == "__main__":
    startup_trace._marks.append(("python", STARTED))
    startup_trace.mark("imports")
    sys.exit(main(sys.argv, open_center))
