"""The one exception type commands raise for a user-facing error (one line, an exit code)."""


class CommandError(Exception):
    """A clear, one-line problem for stderr; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
