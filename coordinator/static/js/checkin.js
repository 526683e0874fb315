// Check-in at the door: the phone camera reads each invitation's QR code (BarcodeDetector where the
// browser has it, the vendored jsQR otherwise), takes the token out of the URL /c/<token> and posts it.
// The short-code form works with or without this script.
(function () {
  "use strict";
  const root = document.querySelector("[data-checkin]");
  if (!root) return;
  const endpoint = root.dataset.endpoint;
  const csrf = root.dataset.csrf;
  const video = root.querySelector("video");
  const status = root.querySelector("[data-status]");
  const startButton = root.querySelector("[data-start]");
  const stopButton = root.querySelector("[data-stop]");
  const codeForm = root.querySelector("[data-code-form]");
  const recent = root.querySelector("[data-recent]");
  const presentCount = root.querySelector("[data-present]");
  const invitedCount = root.querySelector("[data-invited]");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let detector = null;
  let stream = null;
  let running = false;
  let busy = false;
  let lastText = "";
  let lastAt = 0;
  let lastCodeError = "";

  function say(text, tone) {
    status.textContent = text;
    status.className = "scan-status" + (tone ? " scan-status--" + tone : "");
  }

  function tokenFrom(text) {
    const at = text.lastIndexOf("/c/");
    const rest = at >= 0 ? text.slice(at + 3) : text;
    return rest.split(/[?#]/)[0].replace(/\/+$/, "").trim();
  }

  function addRecent(data) {
    if (!recent || data.already) return;
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = data.full_name;
    const detail = document.createElement("span");
    detail.className = "muted";
    detail.textContent = " " + data.outlet + " · " + data.time;
    item.append(name, detail);
    recent.prepend(item);
    while (recent.children.length > 8) recent.lastElementChild.remove();
  }

  async function send(body) {
    busy = true;
    lastCodeError = "";
    say(root.dataset.msgSending, "");
    try {
      const response = await fetch(endpoint, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        say(data.message, data.already ? "warn" : "ok");
        addRecent(data);
        if (presentCount && data.present !== undefined) presentCount.textContent = data.present;
        if (invitedCount && data.invited !== undefined) invitedCount.textContent = data.invited;
        if (navigator.vibrate) navigator.vibrate(data.already ? [60, 60, 60] : 120);
        return true;
      }
      lastCodeError = (data.fields && data.fields.code) || "";
      // A refused short code is said under its field (below), not twice.
      if (lastCodeError) say("", ""); else say(data.message || response.statusText, "error");
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      return false;
    } catch (error) {
      say(root.dataset.msgNetwork, "error");
      return false;
    } finally {
      busy = false;
    }
  }

  async function readFrame() {
    if (!video.videoWidth) return null;
    if (detector) {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    }
    if (typeof window.jsQR !== "function") return null;
    const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return found ? found.data : null;
  }

  async function loop() {
    if (!running) return;
    if (!busy) {
      try {
        const text = await readFrame();
        const now = Date.now();
        // The same code held in front of the camera is sent once every 4 seconds at most.
        if (text && (text !== lastText || now - lastAt > 4000)) {
          lastText = text;
          lastAt = now;
          await send({ token: tokenFrom(text) });
        }
      } catch (error) {
        // A frame the decoder cannot read: try the next one.
      }
    }
    window.setTimeout(() => window.requestAnimationFrame(loop), 150);
  }

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(root.dataset.msgUnsupported, "error");
      return;
    }
    if ("BarcodeDetector" in window && !detector) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (error) {
        detector = null;
      }
    }
    if (!detector && typeof window.jsQR !== "function") {
      say(root.dataset.msgUnsupported, "error");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      say(root.dataset.msgCamera, "error");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    startButton.hidden = true;
    stopButton.hidden = false;
    running = true;
    say(root.dataset.msgScanning, "");
    loop();
  }

  function stop() {
    running = false;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    startButton.hidden = false;
    stopButton.hidden = true;
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  document.addEventListener("visibilitychange", () => { if (document.hidden) stop(); });

  // A refused short code is also shown under its field (like every form), tied to it for screen readers.
  function showCodeError(text) {
    const input = codeForm.querySelector("[name=code]");
    const error = codeForm.querySelector("[data-code-error]");
    const field = input.closest(".field");
    error.textContent = text;
    error.hidden = !text;
    if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    if (field) field.classList.toggle("field--error", !!text);
  }

  if (codeForm) {
    codeForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = codeForm.querySelector("[name=code]");
      const mode = codeForm.querySelector("[name=mode]");
      const ok = await send({ code: input.value, mode: mode ? mode.value : "in_person" });
      if (ok) input.value = "";
      showCodeError(ok ? "" : lastCodeError);
      input.focus();
    });
  }
})();
