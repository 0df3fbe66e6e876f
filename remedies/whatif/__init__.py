"""What would change this: how far each element is from the next level, and the one-fact
changes to the facts that would move it, each found by assessing the changed facts again."""

from .explore import explore

__all__ = ["explore"]
