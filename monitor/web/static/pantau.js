// Pantau keyboard shortcuts. Everything works without this file; it only adds keys.
// j/k next/previous, Enter open, 1/2/3 decide, / search, ? help. Off while typing in a field.
(function () {
  "use strict";
  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-item]")); }
  function move(step) {
    var list = rows();
    if (list.length) {
      var at = list.findIndex(function (r) { return r.classList.contains("selected"); });
      var next = Math.min(list.length - 1, Math.max(0, at + step));
      list.forEach(function (r) { r.classList.remove("selected"); });
      list[next].classList.add("selected");
      list[next].scrollIntoView({ block: "nearest" });
      return;
    }
    var link = document.querySelector(step > 0 ? "a[data-next]" : "a[data-prev]");
    if (link) { window.location.assign(link.getAttribute("href")); }
  }
  function open() {
    var row = document.querySelector("tr[data-item].selected");
    if (row) { window.location.assign(row.getAttribute("data-item")); }
  }
  function decide(key) {
    var form = document.getElementById("decision-form");
    if (!form) { return; }
    var choice = form.querySelector('input[data-key="' + key + '"]');
    if (!choice) { return; }
    choice.checked = true;
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }
  function help() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && typeof dialog.showModal === "function") {
      if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "Enter" && document.querySelector("tr[data-item].selected")) { open(); }
    else if (key === "1" || key === "2" || key === "3") { decide(key); }
    else if (key === "/") {
      var search = document.getElementById("search");
      if (!search) { return; }
      search.focus();
    }
    else if (key === "?") { help(); }
    else { return; }
    event.preventDefault();
  });
  document.documentElement.setAttribute("data-keys", "on");
  document.addEventListener("click", function (event) {
    if (event.target && event.target.hasAttribute && event.target.hasAttribute("data-shortcuts")) { help(); }
  });
}());
