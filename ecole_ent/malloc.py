"""What this process asks of glibc's malloc, in one place (elsewhere than glibc: nothing). serve()
calls tune() before any thread starts; images.py calls give_back_large_blocks() at its import, for
the commands that decode photos without serving.

Measured with bench_home (two serving processes, the guardian home in five languages): 97 MB a
process with glibc's defaults, 66 MB tuned.
"""
import ctypes

M_MMAP_THRESHOLD = -3            # glibc's malloc.h: mallopt()'s parameters
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 2**20


def _mallopt(parameter, value):
    try:
        mallopt = getattr(ctypes.CDLL(None), 'mallopt', None)   # the process itself: glibc is linked in
    except OSError:
        return False
    return bool(mallopt) and mallopt(parameter, value) == 1


def limit_arenas(count=ARENAS):
    """At most `count` malloc heaps in this process and its children: glibc gives each thread that
    allocates a heap of its own (up to 8 per core), kept as it grew, while Python runs one thread
    at a time (8 MB a serving process). Before any thread starts. True when glibc took it."""
    return _mallopt(M_ARENA_MAX, count)


def give_back_large_blocks():
    """A fixed mmap threshold: blocks of 1 MB and more are mapped apart and given back when freed,
    and the heap's free top is given back beyond 128 KB. glibc's default raises both thresholds
    after each large free (up to 32 and 64 MB), so a page's or a photo's large buffers soon come
    from the heap and stay in the process (a serving process: 88 MB instead of 57 after the
    French home; five 12-megapixel uploads: 121 MB instead of 100 at their peak)."""
    return _mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def tune():
    """Both, before any thread starts (serve)."""
    return limit_arenas() & give_back_large_blocks()
