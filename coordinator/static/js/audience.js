// Audience pickers on the briefing and series forms: a search box over each checkbox list (accents
// optional: "ha long" finds "Hạ Long"), how many boxes are ticked, and who the choice reaches, fetched again
// as the boxes change. Without JavaScript every box is still there and the summary is the server's.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function setUpChecklist(list) {
    var search = list.querySelector("[data-checklist-search]");
    var count = list.querySelector("[data-checklist-count]");
    var none = list.querySelector("[data-checklist-none]");
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-checklist-item]"));
    var template = document.documentElement.lang === "en" ? "({n} selected)" : "(đã chọn {n})";

    function showCount() {
      var ticked = list.querySelectorAll("input[type=checkbox]:checked").length;
      if (count) count.textContent = ticked ? template.replace("{n}", ticked) : "";
    }

    if (search) {
      search.hidden = false;
      items.forEach(function (item) { item.dataset.folded = fold(item.textContent); });
      search.addEventListener("input", function () {
        var wanted = fold(search.value);
        var shown = 0;
        items.forEach(function (item) {
          var match = !wanted || item.dataset.folded.indexOf(wanted) !== -1;
          item.hidden = !match;
          if (match) shown += 1;
        });
        if (none) none.hidden = shown > 0;
      });
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();  // searching, not sending the form
      });
    }
    list.addEventListener("change", showCount);
    showCount();
  }

  function setUpSummary(form) {
    var box = form.querySelector("[data-audience-summary-url]");
    if (!box) return;
    var url = box.dataset.audienceSummaryUrl;
    var timer = null;
    var latest = 0;

    function refresh() {
      var params = new URLSearchParams();
      form.querySelectorAll("[data-checklist] input[type=checkbox]:checked").forEach(function (input) {
        params.append(input.name, input.value);
      });
      var ticket = ++latest;
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null && ticket === latest) box.innerHTML = html; })
        .catch(function () { /* keep what is shown */ });
    }

    form.addEventListener("change", function (event) {
      if (!event.target.closest("[data-checklist]")) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  }

  document.querySelectorAll("[data-checklist]").forEach(setUpChecklist);
  document.querySelectorAll("form").forEach(setUpSummary);
})();
