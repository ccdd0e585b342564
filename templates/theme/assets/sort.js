/* Sortable, filterable tables: inside a ".sortable" block, click a column heading to sort by it, or type in
   the filter box to keep only matching rows. Without JavaScript the full table is shown. No network, no library. */
(function () {
  function key(cell) {
    var text = cell.textContent.trim();
    return /^-?\d+(\.\d+)?$/.test(text) ? parseFloat(text) : text.toLowerCase();
  }
  function sort(table, column, th) {
    var body = table.tBodies[0];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column]), y = key(b.cells[column]);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(th.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function addFilter(table) {
    if (table.dataset.filterable) return;
    table.dataset.filterable = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "table-filter";
    input.placeholder = "Filter rows (e.g. animal, psilocybin, 2021)";
    input.setAttribute("aria-label", "Filter the table");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = Array.prototype.filter.call(row.cells, function (cell) { return !cell.classList.contains("rt-toggle"); })
          .map(function (cell) { return cell.textContent; }).join(" ").toLowerCase();
        row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
    });
    table.parentNode.insertBefore(input, table);
  }
  function setup() {
    document.querySelectorAll(".sortable table").forEach(function (table) {
      addFilter(table);
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
        if (th.dataset.sortable) return;
        th.dataset.sortable = "1";
        th.tabIndex = 0;
        th.addEventListener("click", function () { sort(table, column, th); });
        th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(table, column, th); });
      });
    });
  }
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
