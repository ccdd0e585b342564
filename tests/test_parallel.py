"""Rendering in forked processes: the same outputs as one process, results in order, failures raised."""

import os
import time

import pytest

from conftest import FIXTURE, TEMPLATES
from review.build import build
from review.errors import ContentError
from review.parallel import forked_map, processes, shares, unshare


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_forked_map_returns_each_share_in_order_from_its_own_process(count):
    results = forked_map(lambda part, k: (k, part, os.getpid()), range(10), count)
    assert [(k, part) for k, part, _ in results] == list(enumerate(shares(list(range(10)), count)))
    assert len({pid for _, _, pid in results}) == count
    assert results[0][2] == os.getpid()


@pytest.mark.parametrize("items, count, expected", [
    ([1, 2, 3, 4, 5], 2, [[1, 3, 5], [2, 4]]),
    ([1, 2], 3, [[1], [2], []]),
    ([], 2, [[], []]),
])
def test_shares_interleave_items(items, count, expected):
    assert shares(items, count) == expected


@pytest.mark.parametrize("failing_share", [0, 1, 2])
def test_an_error_in_any_share_is_raised_here(failing_share):
    def work(part, k):
        if k == failing_share:
            raise ValueError(f"share {k} failed")
        return part

    with pytest.raises(ValueError, match=f"share {failing_share} failed"):
        forked_map(work, range(6), 3)


def test_a_child_that_dies_is_reported():
    with pytest.raises(RuntimeError, match="exit status 3"):
        forked_map(lambda part, k: os._exit(3) if k == 1 else part, range(4), 2)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_a_build_in_shares_renders_every_output_once_as_one_process_does(count):
    results = build(FIXTURE, TEMPLATES, lambda outputs, share: list(outputs), count)
    assert len(results) == count
    outputs = [pair for share in results for pair in share]
    assert len(outputs) == len(dict(outputs))
    assert dict(outputs) == build(FIXTURE, TEMPLATES)


def test_content_errors_stop_the_build_before_any_process_starts(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(ContentError):
        build(tmp_path / "content", TEMPLATES, lambda outputs, share: pytest.fail("rendered"), 2)


@pytest.mark.parametrize("setting, expected", [("1", 1), ("3", 3), ("0", 1)])
def test_review_processes_sets_the_number_of_processes(monkeypatch, setting, expected):
    monkeypatch.setenv("REVIEW_PROCESSES", setting)
    assert processes() == expected


def test_processes_default_to_the_usable_cpus(monkeypatch):
    monkeypatch.delenv("REVIEW_PROCESSES", raising=False)
    assert processes() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("count", [1, 2, 3])
@pytest.mark.parametrize("length", [0, 1, 7, 200])
def test_balanced_shares_take_every_item_exactly_once(count, length):
    results = forked_map(lambda part, k: list(part), range(length), count, balanced=True)
    assert len(results) == count
    assert sorted(item for share in results for item in share) == list(range(length))


def test_balanced_shares_let_a_free_process_take_more():
    def work(part, k):
        taken = []
        for item in part:
            if k == 0:
                time.sleep(0.05)  # this process is slow: the other should take most of the items meanwhile
            taken.append(item)
        return taken

    slow, fast = forked_map(work, range(64), 2, balanced=True)
    assert len(fast) > 3 * len(slow)


@pytest.mark.parametrize("length", [0, 1, 5, 12])
@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_unshare_puts_shared_items_back_in_order(length, count):
    items = list(range(length))
    assert unshare(shares(items, count)) == items
