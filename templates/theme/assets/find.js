/* The search page: a small interface on Pagefind's JavaScript API (the index is written after the build by
   review/outputs/search.py into the site's own pagefind/ folder, found wherever the site is served from).
   A labelled search box, filters by kind of page and by evidence (Pagefind filters), and results that say what
   they are, in the groups the page lists (search.py TIERS), each group by Pagefind's relevance. */
(function () {
  var PAGE = 10;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  // Pagefind's excerpt is the page's own text with the matches in <mark>: keep the marks, escape the rest.
  function excerpt(html) {
    var holder = document.createElement("p");
    holder.className = "review-search-excerpt";
    html.split(/(<\/?mark>)/).forEach(function (part) {
      if (part === "<mark>") holder.appendChild(document.createElement("mark"));
      else if (part === "</mark>") return;
      else {
        var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
        var last = holder.lastChild;
        if (last && last.nodeName === "MARK" && !last.textContent) last.textContent = text;
        else holder.appendChild(document.createTextNode(text));
      }
    });
    return holder;
  }

  function select(id, label, name) {
    var wrap = element("p", { class: "review-search-filter" });
    wrap.appendChild(element("label", { for: id }, label));
    var input = element("select", { id: id, name: name });
    input.appendChild(element("option", { value: "" }, "Any"));
    wrap.appendChild(input);
    return [wrap, input];
  }

  function setup() {
    var box = document.getElementById("review-search");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var note = document.getElementById("review-search-needs-js");
    if (note) note.hidden = true;
    var tiers = Array.prototype.map.call(box.querySelectorAll("[data-tier]"), function (li) {
      return { id: li.dataset.tier, heading: li.textContent.trim() };
    });

    var form = element("form", { role: "search", class: "review-search-form-page", "aria-label": "Search the review" });
    var row = element("p", { class: "review-search-query" });
    row.appendChild(element("label", { for: "review-search-input" }, "Search the review"));
    var input = element("input", { type: "search", id: "review-search-input", name: "q", autocomplete: "off", spellcheck: "false" });
    row.appendChild(input);
    form.appendChild(row);
    var kind = select("review-search-kind", "Kind of page", "kind");
    var evidence = select("review-search-evidence", "Evidence", "evidence");
    var filters = element("div", { class: "review-search-filters" });
    filters.appendChild(kind[0]);
    filters.appendChild(evidence[0]);
    form.appendChild(filters);
    var status = element("p", { class: "review-search-status", role: "status", "aria-live": "polite" });
    var results = element("div", { class: "review-search-results" });
    box.appendChild(form);
    box.appendChild(status);
    box.appendChild(results);
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });

    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var scope = window.__md_scope || new URL(".", location);
    var pagefind = null, current = 0, ordered = [], shown = 0;

    import(new URL("pagefind/pagefind.js", scope).href).then(function (pf) {
      pagefind = pf;
      return pf.options({ baseUrl: scope.pathname }).then(function () { return pf.filters(); });
    }).then(function (all) {
      [[kind[1], all.kind || {}], [evidence[1], all.evidence || {}]].forEach(function (pair) {
        Object.keys(pair[1]).sort().forEach(function (value) {
          pair[0].appendChild(element("option", { value: value }, value + " (" + pair[1][value] + ")"));
        });
      });
      if (params.get("kind")) kind[1].value = params.get("kind");
      if (params.get("evidence")) evidence[1].value = params.get("evidence");
      input.addEventListener("input", run);
      kind[1].addEventListener("change", run);
      evidence[1].addEventListener("change", run);
      run();
    }, function () {
      status.textContent = "The search index could not be loaded.";
    });

    function run() {
      if (!pagefind) return;
      var query = input.value.trim();
      var chosen = {};
      if (kind[1].value) chosen.kind = kind[1].value;
      if (evidence[1].value) chosen.evidence = evidence[1].value;
      var url = new URL(location.href);
      ["q", "kind", "evidence"].forEach(function (name) { url.searchParams.delete(name); });
      if (query) url.searchParams.set("q", query);
      Object.keys(chosen).forEach(function (name) { url.searchParams.set(name, chosen[name]); });
      history.replaceState(null, "", url);
      var ticket = ++current;
      if (!query && !Object.keys(chosen).length) {
        results.textContent = "";
        status.textContent = "";
        return;
      }
      var term = query || null;
      var searches = [pagefind.search(term, { filters: chosen })].concat(tiers.map(function (tier) {
        return pagefind.search(term, { filters: Object.assign({ tier: tier.id }, chosen) });
      }));
      Promise.all(searches).then(function (found) {
        if (ticket !== current) return;
        var tierOf = {};
        found.slice(1).forEach(function (search, n) {
          search.results.forEach(function (r) { if (!(r.id in tierOf)) tierOf[r.id] = n; });
        });
        ordered = found[0].results.map(function (r, n) {
          return { result: r, tier: r.id in tierOf ? tierOf[r.id] : tiers.length, order: n };
        });
        ordered.sort(function (a, b) { return a.tier - b.tier || a.order - b.order; });
        results.textContent = "";
        shown = 0;
        status.textContent = ordered.length ? ordered.length + (ordered.length === 1 ? " result" : " results") : "No results";
        more(ticket);
      });
    }

    function more(ticket) {
      var batch = ordered.slice(shown, shown + PAGE);
      var button = results.querySelector(".review-search-more");
      if (button) button.remove();
      Promise.all(batch.map(function (item) { return item.result.data(); })).then(function (pages) {
        if (ticket !== current) return;
        var list = results.lastElementChild && results.lastElementChild.nodeName === "OL" ? results.lastElementChild : null;
        batch.forEach(function (item, n) {
          var data = pages[n];
          var previous = ordered[shown + n - 1];
          if (!list || !previous || previous.tier !== item.tier) {
            var tier = tiers[item.tier];
            results.appendChild(element("h2", { class: "review-search-group" }, tier ? tier.heading : "Other pages"));
            list = element("ol", { class: "review-search-list" });
            results.appendChild(list);
          }
          var li = element("li", { class: "review-search-result" });
          var levels = (data.filters && data.filters.evidence) || [];
          var what = [data.meta.kind || "Page"].concat(levels.length === 1 ? levels : []);
          li.appendChild(element("p", { class: "review-search-kind" }, what.join(" · ")));
          var title = element("p", { class: "review-search-title" });
          title.appendChild(element("a", { href: data.meta.url || data.url }, (data.meta.title || data.url).replace(/¶$/, "")));
          li.appendChild(title);
          li.appendChild(excerpt(data.excerpt || ""));
          list.appendChild(li);
        });
        shown += batch.length;
        if (shown < ordered.length) {
          var next = element("button", { type: "button", class: "review-search-more" }, "Show more results");
          next.addEventListener("click", function () { more(ticket); });
          results.appendChild(next);
        }
      });
    }
  }
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
