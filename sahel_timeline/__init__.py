"""sahel-timeline: a command-line incident timeline builder for the Sahel."""

__version__ = "0.1.0"
