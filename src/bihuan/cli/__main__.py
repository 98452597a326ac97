"""`python -m bihuan.cli` runs the `bihuan` command."""

from bihuan.cli.main import run

run()
