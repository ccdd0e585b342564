/* Finding cite buttons: copy the finding's reference (with its anchor) to the clipboard. */
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".cite-button") : null;
    if (!button) return;
    var text = button.getAttribute("data-cite");
    var done = function () {
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(function () { button.textContent = "Cite"; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { window.prompt("Copy this citation:", text); });
    } else {
      window.prompt("Copy this citation:", text);
    }
  });
})();

/* "Download this citation": save the BibTeX, RIS or CSL-JSON shown in the page's cite box as a file. The files are
   made here from the text on the page rather than written beside every page (three files per page made large
   reviews slow to build); without JavaScript the row stays hidden and the text can be copied. */
(function () {
  document.querySelectorAll(".cite-downloads[hidden]").forEach(function (row) { row.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".cite-download") : null;
    if (!button) return;
    var box = button.closest(".cite-box");
    var source = box && box.querySelector("." + button.getAttribute("data-source") + " code, code." + button.getAttribute("data-source"));
    if (!source) return;
    var type = /\.json$/.test(button.getAttribute("data-filename")) ? "application/json" : "text/plain";
    var url = URL.createObjectURL(new Blob([source.textContent], { type: type + ";charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = button.getAttribute("data-filename");
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
})();
