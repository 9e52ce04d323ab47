// A cell (or a bench of the table of mistakes) opens its block of details in the dialog;
// without JavaScript the link leads to the same block, shown by :target.
(function () {
  "use strict";
  var dialog = document.getElementById("detail");
  var body = document.getElementById("detail-body");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-detail]");
    if (!link) {
      return;
    }
    var block = document.getElementById(link.getAttribute("data-detail"));
    if (!block) {
      return;
    }
    event.preventDefault();
    var copy = block.cloneNode(true);
    copy.removeAttribute("id");
    var heading = copy.querySelector("h3");
    if (heading) {
      heading.id = "detail-title";
    }
    body.replaceChildren(copy);
    dialog.showModal();
  });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) {  // a click on the backdrop
      dialog.close();
    }
  });
})();
