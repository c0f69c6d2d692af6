#!/usr/bin/env python
import sys

from coproduce.cli import main

if __name__ == "__main__":
    sys.exit(main())
