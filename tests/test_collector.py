"""The garbage collector during a build: paused while reading, the review frozen after, both undone at the end."""

import gc

import pytest

from conftest import FIXTURE, TEMPLATES
from review import collector
from review.build import build


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_restores_the_collector_as_it_was(enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError), collector.paused():
            raise ValueError
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_frozen_exempts_existing_objects_until_the_block_ends():
    kept = [object() for _ in range(10)]
    with collector.frozen():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_a_build_leaves_the_collector_as_it_found_it():
    build(FIXTURE, TEMPLATES, lambda outputs, share: list(outputs), 2)
    assert gc.isenabled() and gc.get_freeze_count() == 0
