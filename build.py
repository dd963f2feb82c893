#!/usr/bin/env python3
"""Build the book: ``python build.py [PATH] [--out DIR] [--only epub|pdf] [--check]``."""

import sys

from octavo.cli import main

if __name__ == "__main__":
    sys.exit(main())
