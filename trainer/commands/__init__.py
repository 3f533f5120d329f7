"""One module per `leuko-train` sub-command, each exposing `register(subparsers)`."""
