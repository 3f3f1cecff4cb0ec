"""refocus: the command-line programme manager for a REFOCUS rollout."""

__version__ = "0.1.0"
