#!/usr/bin/env python3
"""Start the Grid Command Center console (网格化服务管理指挥中心).

python run.py [--db URL] [--lang zh|en]
python run.py --screenshot shot.png [--view map|board|wall|figures] [--user duty]
"""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
