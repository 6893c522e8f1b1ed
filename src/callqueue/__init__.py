"""callqueue: a prioritised call and visit queue for property-fee collectors.

Nothing heavy is imported here: the CLI and the app import what they need lazily, so that
`callqueue --help` and start-up stay fast.
"""

__version__ = "0.1.0"
