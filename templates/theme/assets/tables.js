/* Tables on a phone (review.css "Tables"): each row is a card showing its key columns, and a "More" button shows
   the rest of its row. The buttons are made here, so that without JavaScript every cell shows and no control does
   nothing; at desktop width and in print the stylesheet hides them and the table is whole. */
(function () {
  function setup() {
    document.querySelectorAll(".rt:not(.rt--js)").forEach(function (box) {
      var rows = box.querySelectorAll("table.rt-table > tbody > tr");
      var any = false;
      rows.forEach(function (row, n) {
        var more = row.querySelectorAll(':scope > [data-rt="more"]');
        if (!more.length) return;
        any = true;
        var cell = document.createElement("td");
        cell.className = "rt-toggle";
        cell.setAttribute("role", "cell");
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = "More";
        button.setAttribute("aria-expanded", "false");
        var title = row.querySelector(':scope > [data-rt="title"]');
        button.setAttribute("aria-label", "More about " + (title ? title.textContent.trim() : "row " + (n + 1)));
        button.addEventListener("click", function () {
          var open = row.classList.toggle("rt-open");
          button.setAttribute("aria-expanded", open ? "true" : "false");
        });
        cell.appendChild(button);
        row.appendChild(cell);
      });
      if (any) box.classList.add("rt--js");
    });
  }
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
