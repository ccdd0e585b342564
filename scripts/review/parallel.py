"""Share work between forked processes: the generator's only concurrency, used by one-off builds of large reviews."""

import os
import pickle
import struct
import traceback


def processes():
    """How many processes a build may use: REVIEW_PROCESSES if set, else the CPUs this process may run on."""
    if os.environ.get("REVIEW_PROCESSES", "").strip():
        return max(1, int(os.environ["REVIEW_PROCESSES"]))
    if not hasattr(os, "fork"):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def shares(items, count):
    """Split items into `count` interleaved shares (item i goes to share i % count), so that costly and cheap items
    that sit together in the list are spread over the shares."""
    return [items[k::count] for k in range(count)]


def unshare(results):
    """The inverse of shares(): one list in the original order from a list per share."""
    return [results[i % len(results)][i // len(results)] for i in range(sum(map(len, results)))]


def forked_map(function, items, count, balanced=False):
    """Return [function(share, k) for each share k of items]; shares 1.. run in forked children while this process
    runs share 0, and each child's result comes back pickled through a pipe (an exception in a child is raised
    here). Shares are interleaved slices of items (see shares()); if balanced, each share is instead an iterator
    that takes the next small chunk of items whenever its process is ready for more, so that no process idles
    while another still has costly items left (the order of items within and across shares is then not fixed).
    With count 1, or where os.fork does not exist, everything runs in this process."""
    items = list(items)
    count = max(1, count) if hasattr(os, "fork") else 1
    if count == 1:
        return [function(items, 0)]
    if balanced:
        queue = _ChunkQueue(items, chunks=16 * count)
        parts = [queue.take() for _ in range(count)]
    else:
        queue, parts = None, shares(items, count)
    children = [_fork(function, part, k) for k, part in enumerate(parts) if k > 0]
    try:
        results = [function(parts[0], 0)]
    finally:
        outcomes = [_collect(pid, reader) for pid, reader in children]
        if queue is not None:
            queue.close()
    for ok, value in outcomes:
        if not ok:
            raise value
    return results + [value for _, value in outcomes]


class _ChunkQueue:
    """Chunks of a list handed out to forked processes through a pipe that holds the chunks' numbers: a read of
    four bytes claims one chunk, and no two processes can claim the same one."""

    def __init__(self, items, chunks):
        """Split items into about `chunks` consecutive chunks and put their numbers in a new pipe."""
        size = max(1, -(-len(items) // chunks))
        self.chunks = [items[i:i + size] for i in range(0, len(items), size)]
        self.reader, writer = os.pipe()
        os.write(writer, b"".join(struct.pack("<I", n) for n in range(len(self.chunks))))  # well under a pipe's 64 KiB
        os.close(writer)

    def take(self):
        """An iterator over the items of every chunk this process claims, claiming the next when the last is done."""
        while data := os.read(self.reader, 4):
            yield from self.chunks[struct.unpack("<I", data)[0]]

    def close(self):
        """Close the pipe (in this process)."""
        os.close(self.reader)


def _fork(function, part, k):
    """Start a child that runs function(part, k) and writes (ok, result or exception) to a pipe; return (pid, reader)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    status = 0
    try:  # the child: never return into the caller's code, whatever happens
        os.close(reader)
        try:
            outcome = (True, function(part, k))
        except BaseException as error:  # noqa: BLE001 (sent to the parent, which raises it)
            outcome = (False, error)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 (an unpicklable result or exception)
            data = pickle.dumps((False, RuntimeError("".join(traceback.format_exception(outcome[1]))
                                                     if not outcome[0] else "unpicklable result")))
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


def _collect(pid, reader):
    """Read a child's pickled outcome and wait for it to end."""
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        return False, RuntimeError(f"a build process ended without a result (exit status {os.waitstatus_to_exitcode(status)})")
    return pickle.loads(data)
