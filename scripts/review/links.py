"""Relative links between generated pages."""


def relative(target, page_path):
    """A link from page_path to target (both site-relative .md paths without '..', target may carry #anchor);
    posixpath.relpath's result, without its normalising work (this runs for every link of every page)."""
    path, _, anchor = target.partition("#")
    here, there = page_path.split("/")[:-1], path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "../" * (len(here) - common) + "/".join(there[common:])
    return link + (f"#{anchor}" if anchor else "")
