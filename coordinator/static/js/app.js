// Small progressive enhancements; every page works without them.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = "✓";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-value]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copyValue);
  if (!input) return;
  input.select();
  if (navigator.clipboard) navigator.clipboard.writeText(input.value);
});

// The main menu is a <details> so that it folds on a phone; on a wide screen it stays open.
(() => {
  const menu = document.querySelector(".nav-toggle");
  if (!menu || !window.matchMedia) return;
  const wide = window.matchMedia("(min-width: 900px)");
  const sync = () => { if (wide.matches) menu.open = true; };
  sync();
  wide.addEventListener("change", sync);
})();
