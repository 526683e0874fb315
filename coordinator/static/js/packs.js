// Pack pages: list the chosen files before upload (name and size), confirm a release now.
(function () {
  const input = document.querySelector('input[type="file"][name="files"]');
  const list = document.querySelector("[data-upload-list]");
  if (input && list) {
    input.addEventListener("change", () => {
      list.textContent = "";
      for (const file of input.files) {
        const item = document.createElement("li");
        item.textContent = `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB)`;
        list.appendChild(item);
      }
    });
  }
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
