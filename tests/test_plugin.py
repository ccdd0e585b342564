"""The MkDocs plugin `review`: registered as an entry point, with a typed config, and absent from the export."""

from importlib.metadata import entry_points

from conftest import ROOT
from review.commands.cli import engine_config
from review.commands.plugin import ReviewConfig, ReviewPlugin


def test_the_plugin_is_registered_under_its_name():
    (found,) = entry_points(group="mkdocs.plugins", name="review")
    assert found.load() is ReviewPlugin


def test_its_options_are_typed_and_checked():
    config = ReviewConfig()
    config.load_dict({"html_pages": "yes"})
    failed, _ = config.validate()
    assert [name for name, _ in failed] == ["html_pages"]
    config = ReviewConfig()
    config.load_dict({})
    assert config.validate() == ([], []) and config.html_pages is True and config.content_dir == "content"


def test_the_export_for_other_engines_has_no_plugin_of_ours_and_writes_the_navigation():
    config = engine_config(ROOT / "mkdocs.yml", ["index.md"], ["/studies/*.md"])
    assert "review" not in config["plugins"] and "hooks" not in config
    assert config["nav"] == ["index.md"] and config["not_in_nav"] == "/studies/*.md\n"
