// 我要提意见: the target <select> becomes a search-as-you-type combobox (ARIA 1.2: input role=combobox, a listbox,
// aria-activedescendant; ↓/↑ move, Enter picks, Esc closes), and measures are suggested for the text the citizen
// writes. The chosen value is still the hidden <select name=target>'s, so the form posts as it does without this
// script. URLs and messages come from the select's data-* attributes (set by the template, translated there).
(function () {
  "use strict";
  var select = document.querySelector("select[data-search-url]");
  var form = select && select.form;
  if (!form || !window.fetch) {
    return;
  }
  var data = select.dataset;
  var fieldId = select.id;
  var input = document.createElement("input");
  var list = document.createElement("ul");
  var status = document.createElement("p");
  var results = [];
  var active = -1;
  var asked = 0;
  var timer = null;

  function make(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function codeOf(target) {
    return (target.kind === "problem" ? data.problemLabel : data.measureLabel).replace("{code}", target.value);
  }

  function shown() {
    var option = select.options[select.selectedIndex];
    return option && option.value ? option.text : "";
  }

  function announce(message) {
    status.textContent = message;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function move(to) {
    if (!results.length) {
      return;
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = (to + results.length) % results.length;
    Array.prototype.forEach.call(list.children, function (item, i) {
      item.setAttribute("aria-selected", String(i === active));
    });
    input.setAttribute("aria-activedescendant", list.children[active].id);
    list.children[active].scrollIntoView({block: "nearest"});
  }

  function pick(target) {
    var value = target.value;
    var found = Array.prototype.some.call(select.options, function (option) {
      return option.value === value;
    });
    if (!found) {
      select.add(new Option(codeOf(target) + "：" + target.text, value));
    }
    select.value = value;
    input.value = shown();
    close();
    announce(data.chosen.replace("{label}", codeOf(target)));
  }

  function option(target, i) {
    var item = make("li", "picker-option", "");
    item.id = fieldId + "-option-" + i;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.appendChild(make("span", "picker-code", codeOf(target)));
    item.appendChild(make("span", "picker-text", target.text));
    item.appendChild(make("span", "picker-category", target.category));
    item.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    item.addEventListener("click", function () {
      pick(target);
    });
    return item;
  }

  function show(found) {
    results = found;
    list.textContent = "";
    found.forEach(function (target, i) {
      list.appendChild(option(target, i));
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.hidden = !found.length;
    input.setAttribute("aria-expanded", String(found.length > 0));
    announce(found.length ? data.found.replace("{count}", String(found.length)) : data.none);
  }

  function ask(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (body) {
      return body.results || [];
    });
  }

  // The search failed (offline, refused, too many requests): the plain select comes back and does the job.
  function fallBack() {
    [hint, input, list, status].forEach(function (element) {
      element.remove();
    });
    select.id = fieldId;
    select.hidden = false;
  }

  function search() {
    var query = input.value.trim();
    var mine = ++asked;
    if (!query) {
      show([]);
      announce("");
      return;
    }
    var url = data.searchUrl + "?" + new URLSearchParams({campaign: form.elements.campaign.value, q: query});
    ask(url, {credentials: "same-origin"}).then(function (found) {
      if (mine === asked && document.activeElement === input) {
        show(found);
      }
    }, function () {
      var typing = document.activeElement === input;
      fallBack();
      if (typing) {
        select.focus();
      }
    });
  }

  // the field's id moves to the search box, so the label and the error summary's link lead there
  select.id = fieldId + "-select";
  input.type = "text";
  input.id = fieldId;
  input.className = select.className;
  input.autocomplete = "off";
  input.value = shown();
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", fieldId + "-listbox");
  ["aria-describedby", "aria-invalid"].forEach(function (name) {
    if (select.hasAttribute(name)) {
      input.setAttribute(name, select.getAttribute(name));
    }
  });
  list.id = fieldId + "-listbox";
  list.className = "picker-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", data.listLabel);
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var hint = make("p", "hint", data.searchHint);
  hint.id = fieldId + "-search-hint";
  input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + hint.id).trim());
  select.hidden = true;
  select.parentNode.insertBefore(hint, select);
  select.parentNode.insertBefore(input, select);
  select.parentNode.insertBefore(list, select);
  select.parentNode.insertBefore(status, select);

  input.addEventListener("input", function () {
    if (!input.value.trim()) {
      select.value = "";
    }
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(active === -1 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && !list.hidden) {
      event.preventDefault();
      if (active >= 0) {
        pick(results[active]);
      }
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
      }
      close();
    }
  });
  input.addEventListener("blur", function () {
    close();
    input.value = shown();
  });

  // Suggestions for what the citizen writes: the text goes in a POST body with the page's CSRF token, never a URL.
  var content = form.elements.content;
  var box = make("div", "picker-suggestions", "");
  var askedText = "";
  var pause = null;
  box.setAttribute("aria-live", "polite");
  box.hidden = true;
  content.parentNode.insertBefore(box, content.nextSibling);

  function suggest() {
    var text = content.value.trim();
    if (text.length < Number(data.minText) || text === askedText) {
      return;
    }
    askedText = text;
    var body = new FormData();
    body.append("campaign", form.elements.campaign.value);
    body.append("content", text);
    ask(data.suggestUrl, {method: "POST", body: body, credentials: "same-origin",
                          headers: {"X-CSRFToken": form.elements.csrf_token.value}}).catch(function () {
      return [];
    }).then(function (found) {
      if (text !== askedText) {
        return;
      }
      box.textContent = "";
      box.hidden = !found.length;
      if (!found.length) {
        return;
      }
      box.appendChild(make("p", "picker-suggestions-title", data.suggestTitle));
      var items = make("ul", "picker-suggestion-list", "");
      found.forEach(function (target) {
        var item = make("li", "", "");
        item.appendChild(make("span", "picker-code", codeOf(target)));
        item.appendChild(make("span", "picker-text", target.text));
        var button = make("button", "picker-choose", data.choose);
        button.type = "button";
        button.appendChild(make("span", "visually-hidden", codeOf(target)));
        button.addEventListener("click", function () {
          pick(target);
        });
        item.appendChild(button);
        items.appendChild(item);
      });
      box.appendChild(items);
    });
  }

  content.addEventListener("input", function () {
    clearTimeout(pause);
    pause = setTimeout(suggest, 700);
  });
}());
