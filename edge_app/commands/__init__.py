"""`leuko` sub-commands: each module adds its parser with `register(subparsers)` and stays thin."""
