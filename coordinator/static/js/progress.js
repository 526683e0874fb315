// Refreshes the mailing progress on a briefing's invitations page while a fan-out runs.
(function () {
  const box = document.querySelector("[data-progress-url]");
  if (!box) return;
  const url = box.dataset.progressUrl;
  async function refresh() {
    let items;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      items = await response.json();
    } catch (error) {
      return;
    }
    let running = false;
    for (const item of items) {
      const row = box.querySelector(`[data-fan-out="${item.id}"]`);
      if (!row) { running = running || !item.done; continue; }
      const bar = row.querySelector("progress");
      bar.max = item.total || 1;
      bar.value = item.sent + item.failed + item.suppressed;
      const counts = { ...item, pending: Math.max(0, item.total - item.sent - item.failed - item.suppressed) };
      for (const span of row.querySelectorAll("[data-count]")) span.textContent = counts[span.dataset.count];
      if (!item.done) running = true;
    }
    if (running) setTimeout(refresh, 2000);
  }
  setTimeout(refresh, 1500);
})();
