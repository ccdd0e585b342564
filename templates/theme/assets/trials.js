/* Trials page filters: one list each for condition, substance and status, made from the table's own rows, so that
   without JavaScript the page is the full plain table and shows no control that does nothing. A polite live region
   says how many trials are shown. No network, no library. */
(function () {
  function options(rows, key) {
    var seen = {};
    var out = [];
    rows.forEach(function (row) {
      var values = row.dataset[key].split("|");
      var labels = row.dataset[key + "Label"].split("|");
      values.forEach(function (value, i) {
        if (!seen[value]) { seen[value] = true; out.push([value, labels[i] || value]); }
      });
    });
    return out.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
  }
  function setup() {
    document.querySelectorAll(".trial-filter").forEach(function (box) {
      if (box.dataset.ready) return;
      var table = document.getElementById(box.dataset.table);
      if (!table) return;
      box.dataset.ready = "1";
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = "Show trials by";
      fieldset.appendChild(legend);
      var status = document.createElement("p");
      status.className = "trial-filter-count";
      status.setAttribute("aria-live", "polite");
      var selects = [["condition", "Condition"], ["substance", "Substance"], ["status", "Status"]].map(function (pair) {
        var label = document.createElement("label");
        var select = document.createElement("select");
        select.name = pair[0];
        select.id = box.dataset.table + "-" + pair[0];
        label.htmlFor = select.id;
        var all = document.createElement("option");
        all.value = "";
        all.textContent = "All";
        select.appendChild(all);
        options(rows, pair[0]).forEach(function (option) {
          var element = document.createElement("option");
          element.value = option[0];
          element.textContent = option[1];
          select.appendChild(element);
        });
        label.textContent = pair[1];
        var group = document.createElement("span");
        group.className = "trial-filter-field";
        group.appendChild(label);
        group.appendChild(select);
        fieldset.appendChild(group);
        return select;
      });
      function apply() {
        var shown = 0;
        rows.forEach(function (row) {
          var keep = selects.every(function (select) {
            return !select.value || row.dataset[select.name].split("|").indexOf(select.value) !== -1;
          });
          row.hidden = !keep;
          if (keep) shown += 1;
        });
        status.textContent = "Showing " + shown + " of " + rows.length + " trials.";
      }
      selects.forEach(function (select) { select.addEventListener("change", apply); });
      box.appendChild(fieldset);
      box.appendChild(status);
      apply();
    });
  }
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
