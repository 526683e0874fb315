// Schedule pages: show only the builder fields the chosen repetition needs, preview the next ten
// occurrences as the form changes, and submit the calendar's series filter on change.
(function () {
  "use strict";

  function toggleSections(form) {
    var freq = form.querySelector("[name=freq]");
    if (!freq) return;
    form.querySelectorAll("[data-freq-section]").forEach(function (section) {
      var wanted = section.getAttribute("data-freq-section").split(" ");
      section.hidden = wanted.indexOf(freq.value) === -1;
    });
  }

  function renderPreview(form, data) {
    var list = document.getElementById("series-preview");
    var ruleText = document.getElementById("series-rule-text");
    if (!list) return;
    list.textContent = "";
    if (data.errors) {
      Object.keys(data.errors).forEach(function (key) {
        var li = document.createElement("li");
        li.className = "field__error";
        li.textContent = data.errors[key];
        list.appendChild(li);
      });
      if (ruleText) ruleText.textContent = "";
      return;
    }
    if (ruleText) ruleText.textContent = data.rule_text + " (" + data.rrule + ")";
    data.items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "preview-item preview-item--" + item.kind;
      li.textContent = item.label;
      if (item.kind !== "normal") {
        var note = document.createElement("span");
        note.className = "small";
        note.textContent = item.kind === "moved"
          ? " — dời từ " + item.original + " (" + item.reason + ")"
          : " — bỏ qua: " + item.reason;
        li.appendChild(note);
      }
      list.appendChild(li);
    });
  }

  var timer = null;
  function schedulePreview(form) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(form.getAttribute("data-preview-url"), {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) { return response.json(); })
        .then(function (data) { renderPreview(form, data); })
        .catch(function () { /* the server-side preview button still works */ });
    }, 350);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("series-form");
    if (form) {
      toggleSections(form);
      form.addEventListener("change", function () { toggleSections(form); schedulePreview(form); });
      form.addEventListener("input", function (event) {
        if (event.target.name === "rrule" || event.target.name === "count") schedulePreview(form);
      });
    }
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
