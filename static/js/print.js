// 打印回执: shows the print button and hides the hint to use the browser's Print (without JavaScript the page keeps
// the hint and no button), and
// opens the print dialogue; the print stylesheets (staff.css, case.css) print the receipt alone.
(function () {
  "use strict";
  document.querySelectorAll("[data-print-hint]").forEach(function (hint) {
    hint.hidden = true;
  });
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
}());
