"""``python -m cge``: the command line, as the ``cge`` console script."""

from .cli import console

console()
