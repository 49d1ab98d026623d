"""A stand-in for the small PyPI package "bitmap", which Debian does not ship.

tini's inner tests use only BitMap.fromstring(bits).nonzero(): the positions
of the 1s in a string of 0s and 1s, counted from its right end, as the
signal masks of /proc/PID/status are read.
"""


class BitMap:
    def __init__(self, ones):
        self._ones = ones

    @classmethod
    def fromstring(cls, bits):
        return cls([i for i, c in enumerate(reversed(bits)) if c == "1"])

    def nonzero(self):
        return list(self._ones)
