// 我要提意见: check the chosen files against the stated limits before the form is sent, so that a selection the
// server would refuse never costs the citizen what they typed. The server checks again; without this script the
// form works as before. The limits and messages come from the input's data-* attributes (set by the template).
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-max-files]");
  if (!input || !input.form) {
    return;
  }
  var errorId = input.id + "-client-error";

  function problem() {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > Number(input.dataset.maxFiles)) {
      return input.dataset.tooMany.replace("{count}", String(files.length));
    }
    var total = 0;
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].size > Number(input.dataset.maxFileBytes)) {
        return input.dataset.tooLarge.replace("{name}", files[i].name);
      }
      total += files[i].size;
    }
    return total > Number(input.dataset.maxTotalBytes) ? input.dataset.tooMuch : "";
  }

  function describedBy(add) {
    var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== errorId;
    });
    if (add) {
      ids.push(errorId);
    }
    input.setAttribute("aria-describedby", ids.join(" "));
  }

  function show(message) {
    var error = document.getElementById(errorId);
    var field = input.closest(".field");
    if (!message) {
      if (error) {
        error.remove();
      }
      input.removeAttribute("aria-invalid");
      describedBy(false);
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = errorId;
      error.setAttribute("role", "alert");
      input.parentNode.insertBefore(error, input);
    }
    error.textContent = message;
    input.setAttribute("aria-invalid", "true");
    describedBy(true);
    if (field) {
      field.classList.add("field-invalid");
    }
  }

  input.addEventListener("change", function () {
    show(problem());
  });
  input.form.addEventListener("submit", function (event) {
    var message = problem();
    show(message);
    if (message) {
      event.preventDefault();
      input.focus();
    }
  });
}());
