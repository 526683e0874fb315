// The door roster: find someone as you type (name or outlet, accents optional: "nguyen thi" finds
// "Nguyễn Thị"), narrow to one outlet, and check people in without the page jumping: the form is sent in the
// background and the row and the counts are swapped in place. Without JavaScript the search is a GET form
// and each button a normal post.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  var list = document.querySelector("[data-roster]");
  var find = document.querySelector("[data-roster-find]");
  if (!find) return;
  var query = find.querySelector("[data-roster-q]");
  var outlet = find.querySelector("[data-roster-outlet]");
  var shown = document.querySelector("[data-roster-shown]");
  var none = document.querySelector("[data-roster-none]");
  var english = document.documentElement.lang === "en";
  var submit = find.querySelector("[data-roster-submit]");
  if (submit) submit.style.display = "none";  // the list filters itself as you type

  function filter() {
    if (!list) return;
    var wanted = fold(query.value);
    var from = outlet.value;
    var rows = list.querySelectorAll("[data-roster-row]");
    var count = 0;
    rows.forEach(function (row) {
      var match = (!wanted || row.dataset.search.indexOf(wanted) !== -1) && (!from || row.dataset.outlet === from);
      row.hidden = !match;
      if (match) count += 1;
    });
    if (shown) shown.textContent = (english ? "Showing " : "Hiện ") + count + (english ? " of " : " / ") + rows.length;
    if (none) none.hidden = count > 0;
  }

  query.addEventListener("input", filter);
  outlet.addEventListener("change", filter);
  find.addEventListener("submit", function (event) { event.preventDefault(); filter(); });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-roster-form]")) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                         headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.body.error || "error");
        var row = form.closest("[data-roster-row]");
        var holder = document.createElement("div");
        holder.innerHTML = answer.body.row.trim();
        var fresh = holder.firstElementChild;
        if (row && fresh) {
          row.replaceWith(fresh);
          var first = fresh.querySelector("button");
          if (first) first.focus();
        }
        var counts = document.getElementById("roster-counts");
        holder.innerHTML = answer.body.counts.trim();
        if (counts && holder.firstElementChild) counts.replaceWith(holder.firstElementChild);
        filter();
      })
      .catch(function () {
        form.submit();  // let the server answer the usual way (and show its message)
      });
  });
})();
