/* Evidence map filters: choose the kinds of evidence (columns, on every map) and which substance's map to show
   (among the maps by substance: the main map always stays). The controls are made here, so that without
   JavaScript the page shows every map in full and no control that does nothing. */
(function () {
  function setup() {
    var box = document.querySelector(".map-filter");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var blocks = Array.prototype.slice.call(document.querySelectorAll(".map-block"));
    if (!blocks.length) return;
    var fieldset = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = "Show evidence from";
    fieldset.appendChild(legend);
    blocks[0].querySelectorAll("th[data-column]").forEach(function (th) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = th.dataset.column;
      input.addEventListener("change", function () {
        document.querySelectorAll('.map-block [data-column="' + input.value + '"]').forEach(function (cell) {
          cell.hidden = !input.checked;
        });
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(th.textContent));
      fieldset.appendChild(label);
    });
    box.appendChild(fieldset);
    var substances = blocks.filter(function (block) { return block.dataset.substance !== "all"; });
    var place = document.querySelector(".map-substance-filter");
    if (!place || !substances.length) return;
    var label = document.createElement("label");
    label.textContent = "Show the map of ";
    var select = document.createElement("select");
    var every = document.createElement("option");
    every.value = "";
    every.textContent = "every substance";
    select.appendChild(every);
    substances.forEach(function (block) {
      var option = document.createElement("option");
      option.value = block.dataset.substance;
      option.textContent = block.dataset.label;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      substances.forEach(function (block) {
        var shown = !select.value || block.dataset.substance === select.value;
        block.hidden = !shown;
        var heading = block.previousElementSibling;
        if (heading && /^H[1-6]$/.test(heading.tagName)) heading.hidden = !shown;
      });
    });
    label.appendChild(select);
    place.appendChild(label);
  }
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
