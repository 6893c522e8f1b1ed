"""`python -m callqueue` runs the command line."""

from callqueue.cli import main

raise SystemExit(main())
