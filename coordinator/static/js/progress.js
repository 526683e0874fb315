// Keeps a mailing card (templates/_fan_outs.html) up to date while mail goes out: the card is fetched again
// as HTML every two seconds while it says it is running and swapped in place. A card marked
// data-reload-when-done reloads its page once when the last mailing closes, so that the rest of the page
// (each journalist's row) shows the final state too.
(function () {
  const INTERVAL = 2000;
  const MAX_FAILURES = 10;

  function watch(card) {
    const url = card.dataset.progressUrl;
    const reloadWhenDone = card.hasAttribute("data-reload-when-done");
    let failures = 0;
    let current = card;

    async function refresh() {
      let html;
      try {
        const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        html = await response.text();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures < MAX_FAILURES) setTimeout(refresh, INTERVAL * failures);
        return;
      }
      const holder = document.createElement("div");
      holder.innerHTML = html.trim();
      const next = holder.querySelector("[data-progress-url]");
      if (!next) return;
      current.replaceWith(next);
      current = next;
      if (next.dataset.running === "1") {
        setTimeout(refresh, INTERVAL);
      } else if (reloadWhenDone) {
        window.location.reload();
      }
    }

    if (card.dataset.running === "1") setTimeout(refresh, INTERVAL);
  }

  document.querySelectorAll("[data-progress-url]").forEach(watch);
})();
