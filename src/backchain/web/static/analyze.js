// Video check: send the chosen file as the request body (no multipart), show a one-line
// message next to the field when it is refused (too large, too long, busy: the server's own
// words), else swap in the progress fragment HTMX polls.
"use strict";

// The form token of this page, for the header the server checks on every post.
function csrfHeaders() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta && meta.content ? { "X-CSRF-Token": meta.content } : {};
}

// A refusal's one line: the plain text the upload route answers, or the detail of an error
// page (a refusal made before the route, such as a body over the size limit).
function refusal(response, text) {
  const kind = response.headers.get("Content-Type") || "";
  if (!kind.startsWith("text/html")) return text;
  const page = new DOMParser().parseFromString(text, "text/html");
  const detail = page.querySelector(".notice p");
  return detail ? detail.textContent : "The upload was refused; reload the page and try again.";
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("analyze-form");
  if (!form) return;
  const input = form.querySelector("#video");
  const select = form.querySelector("#exercise");
  const error = form.querySelector("#video-error");
  const result = document.getElementById("analysis");
  const button = form.querySelector("button[type=submit]");
  const maxBytes = Number(form.dataset.maxBytes);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const file = input.files && input.files[0];
    if (!file) {
      error.textContent = "Choose a video file to upload.";
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      error.textContent = form.dataset.tooLarge; // the server would refuse it unread
      return;
    }
    button.disabled = true;
    result.textContent = "Uploading…";
    try {
      const url = "/analyze?exercise=" + encodeURIComponent(select.value);
      const response = await fetch(url, {
        method: "POST",
        body: file,
        headers: { "Content-Type": file.type || "application/octet-stream", ...csrfHeaders() },
      });
      const text = await response.text();
      if (!response.ok) {
        result.textContent = "";
        error.textContent = refusal(response, text);
        return;
      }
      result.innerHTML = text;
      if (window.htmx) window.htmx.process(result);
    } catch (failure) {
      result.textContent = "";
      error.textContent = "The upload did not reach Backchain; check that it is still running.";
    } finally {
      button.disabled = false;
    }
  });
});
