"""The search index's own parts: what each page gives Pagefind, and its filter files rewritten in a fixed order."""

import gzip
import json

from review.outputs import search


def test_cbor_round_trip_of_pagefinds_subset():
    value = ["kind", [["Study", [0, 23, 24, 255, 256, 70000]], ["Trial", []], ["Ünïcode", [2**40]]]]
    data = search._cbor_dump(value)
    assert search._cbor_load(data)[0] == value
    assert data[:2] == bytes([0x82, 0x64])  # an array of two, then four bytes of text, as minicbor writes them


def test_filter_files_are_rewritten_in_a_fixed_order(tmp_path):
    (tmp_path / "filter").mkdir()

    def write(name, value):
        (tmp_path / name).write_bytes(gzip.compress(search.SIGNATURE + search._cbor_dump(value)))

    write("filter/en_b.pf_filter", ["kind", [["Trial", [3]], ["Study", [1, 2]]]])
    write("filter/en_a.pf_filter", ["evidence", [["Animal studies", [1]]]])
    write("pagefind.en_m.pf_meta", ["1.5.2", [], [], [["kind", "en_b"], ["evidence", "en_a"]], []])
    (tmp_path / "pagefind-entry.json").write_text(json.dumps({"languages": {"en": {"hash": "en_m"}}}))
    search.stable_filters(tmp_path)
    entry = json.loads((tmp_path / "pagefind-entry.json").read_text())
    meta = search._read(tmp_path / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == ["evidence", "kind"]
    kind = search._read(tmp_path / "filter" / f"{dict(meta[3])['kind']}.pf_filter")
    assert kind == ["kind", [["Study", [1, 2]], ["Trial", [3]]]]
    assert sorted(p.name for p in (tmp_path / "filter").iterdir()) == sorted(f"{h}.pf_filter" for _, h in meta[3])


def test_a_study_or_finding_is_grouped_by_its_evidence_and_a_page_of_several_levels_with_the_reviews_pages():
    assert search.fields("Study", ["animal"])["tier"] == "cell-and-animal"
    assert search.fields("Finding", ["patients-sud"])["tier"] == "patients"
    assert search.fields("Trial", [])["tier"] == "trials"
    assert search.fields("Mechanism", ["animal", "patients-sud"]) == {
        "kind": "Mechanism",
        "evidence": ["Animal studies", "Patients with a substance use disorder"],
        "tier": "review",
    }
