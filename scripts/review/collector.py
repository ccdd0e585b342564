"""Python's cyclic garbage collector during a build: paused while the content is read, kept off the review after."""

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """No cyclic garbage collection in the block. Reading 10,000 files makes millions of objects and next to no
    cyclic garbage (192 unreachable objects after the whole read), but each full collection the allocations set
    off walks everything made so far: the read took 2.2 s with the collector on and 1.5 s with it off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def frozen():
    """Exempt every object that exists now from garbage collection until the block ends. Meant for the loaded review,
    which lives through the whole build: the collector's full passes over it cost a build of 10,000 studies about
    0.4 s, and in forked processes they would also copy the memory pages they touch. (Not nested: the end of any
    block unfreezes all.)"""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
