"""The program version, printed on every export, PDF and audit row."""

PROGRAM_NAME = "OutcomeDesk"
PROGRAM_VERSION = "0.1.0"
