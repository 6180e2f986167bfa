// Video check: send the chosen file as the request body (no multipart), show a one-line
// message next to the field when it is refused, else swap in the progress fragment HTMX polls.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("analyze-form");
  if (!form) return;
  const input = form.querySelector("#video");
  const select = form.querySelector("#exercise");
  const error = form.querySelector("#video-error");
  const result = document.getElementById("analysis");
  const button = form.querySelector("button[type=submit]");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const file = input.files && input.files[0];
    if (!file) {
      error.textContent = "Choose a video file to upload.";
      return;
    }
    button.disabled = true;
    result.textContent = "Uploading…";
    try {
      const url = "/analyze?exercise=" + encodeURIComponent(select.value);
      const response = await fetch(url, {
        method: "POST",
        body: file,
        headers: { "Content-Type": file.type || "application/octet-stream" },
      });
      const text = await response.text();
      if (!response.ok) {
        result.textContent = "";
        error.textContent = text;
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
