/* Citing: copy a finding's citation, copy the cite box's APA reference with its italics (or as plain text),
   and save the box's BibTeX, RIS or CSL-JSON as a file. Without JavaScript the buttons stay hidden and every
   format can be selected and copied by hand. */
(function () {
  function flash(button, text) {
    var label = button.textContent;
    button.textContent = text;
    button.setAttribute("aria-live", "polite");
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  function copyText(text, button) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { flash(button, "Copied"); },
        function () { window.prompt("Copy this citation:", text); });
    } else {
      window.prompt("Copy this citation:", text);
    }
  }
  function copyRich(node, button) {
    var plain = node.textContent.replace(/\s+/g, " ").trim();
    var rich = node.innerHTML;
    if (navigator.clipboard && window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([rich], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(function () { flash(button, "Copied"); },
        function () { copyText(plain, button); });
    } else {
      copyText(plain, button);
    }
  }
  function save(box, button) {
    var source = box.querySelector("code." + button.getAttribute("data-source"));
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
  }
  function setup() {
    document.querySelectorAll(".cite-downloads[hidden], .cite-copy[hidden]").forEach(function (row) { row.hidden = false; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) return;
    var box = button.closest(".cite-box");
    if (button.classList.contains("cite-button")) copyText(button.getAttribute("data-cite"), button);
    else if (box && button.classList.contains("cite-copy-rich")) copyRich(box.querySelector(".cite-apa"), button);
    else if (box && button.classList.contains("cite-copy-plain")) copyText(box.querySelector(".cite-apa").textContent.replace(/\s+/g, " ").trim(), button);
    else if (box && button.classList.contains("cite-download")) save(box, button);
  });
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
