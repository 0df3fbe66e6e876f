"""Batch assessment: many facts files (and directories of them), in order, over N processes, with a summary."""
