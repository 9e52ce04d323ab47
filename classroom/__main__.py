"""python3 -m classroom: what `sudo make classroom` runs (classroom/run.py)."""

import sys

from classroom.run import main

sys.exit(main())
