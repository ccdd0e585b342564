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


def test_the_export_names_the_repository_without_edit_links():
    config = engine_config(ROOT / "mkdocs.yml", ["index.md"], [], "https://github.com/owner/review")
    assert (config["repo_url"], config["edit_uri"]) == ("https://github.com/owner/review", "")
    assert "repo_url" not in engine_config(ROOT / "mkdocs.yml", ["index.md"], [])


def test_edit_links_follow_the_host_of_the_repository():
    from review.commands.plugin import edit_uri

    assert edit_uri("https://github.com/owner/review") == "edit/main/"
    assert edit_uri("https://gitlab.com/owner/review") == "-/edit/main/"
