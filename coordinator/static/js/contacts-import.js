// Background import: poll the status endpoint and move the progress bar; reload when finished.
(() => {
  const card = document.getElementById("import-progress-card");
  const bar = document.getElementById("import-progress");
  if (!card || !bar) return;
  const text = document.getElementById("import-progress-text");
  const url = card.dataset.statusUrl;
  const tick = () => {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((state) => {
        bar.value = state.percent;
        bar.textContent = `${state.percent}%`;
        if (text) text.textContent = `${state.processed} / ${state.total}`;
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
        } else {
          setTimeout(tick, 1000);
        }
      })
      .catch(() => setTimeout(tick, 3000));
  };
  setTimeout(tick, 500);
})();
