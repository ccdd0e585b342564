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
