"""The hook-free export builds with Zensical (Material's successor) into the same pages as MkDocs."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory):
    """The project exported by `review export` and built by Zensical."""
    out = tmp_path_factory.mktemp("zensical")
    export = subprocess.run([sys.executable, "-m", "review", "export", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert export.returncode == 0, export.stderr
    built = subprocess.run(
        [str(Path(sys.executable).parent / "zensical"), "build", "--strict", "-f", "mkdocs.yml"],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out / "site"


def pages(folder):
    """Site paths of every HTML page and download under folder."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix in {".html", ".bib", ".ris"}}


def test_both_engines_build_the_same_pages(zensical_site, built_site):
    assert pages(zensical_site) == pages(built_site)


@pytest.mark.parametrize(
    "needle",
    [
        'id="np-spines-mouse-mpfc"',
        'name="citation_title"',
        'class="cite-box"',
        "Shao et al., 2021",
        'class="Z3988"',
        "application/ld+json",
    ],
)
def test_zensical_pages_keep_anchors_metadata_and_citations(zensical_site, needle):
    assert needle in (zensical_site / "mechanisms" / "neuroplasticity" / "index.html").read_text(encoding="utf-8")
