// 打印回执: shows the print button (hidden without JavaScript, where the page says to use the browser's Print) and
// opens the print dialogue; the print stylesheets (staff.css, case.css) print the receipt alone.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
}());
