"""ArgumentParser for the lab's commands: a usage error is one line, exit code 2.

    OneLineParser   argparse.ArgumentParser whose error() prints "prog: message (see --help)"
"""

import argparse
import sys


class OneLineParser(argparse.ArgumentParser):

    def error(self, message):
        print(f"{self.prog}: {message} (see --help)", file=sys.stderr)
        sys.exit(2)
