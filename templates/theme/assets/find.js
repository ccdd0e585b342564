/* The search page: loads Pagefind's interface from the site's own pagefind/ folder (written after the build by
   review/outputs/search.py) and points it at the site's address, wherever the site is served from. */
(function () {
  function setup() {
    var box = document.getElementById("review-search");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var note = document.getElementById("review-search-needs-js");
    if (note) note.hidden = true;
    var scope = window.__md_scope || new URL(".", location);
    var bundle = new URL("pagefind/", scope);
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("pagefind-ui.css", bundle).href;
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = new URL("pagefind-ui.js", bundle).href;
    script.onload = function () {
      var ui = new window.PagefindUI({ element: "#review-search", baseUrl: scope.pathname, showSubResults: true, resetStyles: false });
      var query = new URLSearchParams(location.search).get("q");
      if (query) ui.triggerSearch(query);
    };
    document.head.appendChild(script);
  }
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
