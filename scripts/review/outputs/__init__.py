"""What the site is made of: the index, the pages and their addresses, rendering, citations, downloads, open data, search."""
