// Live coach: camera frames go to the server over a WebSocket as JPEGs (an 8-byte float64
// time in seconds, then the JPEG); replies bring the count, hold, one cue and the landmarks.
// When the server is coaching as many windows as it will, it says so and the page stops.
"use strict";

(() => {
  const FPS = 15;
  const MAX_IN_FLIGHT = 2; // frames awaiting a reply; more would only queue up latency
  const MAX_WIDTH = 480; // px sent: enough for the pose model, small on the wire
  const RECONNECT_MS = 1000;
  const BONES = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
    [23, 25], [25, 27], [24, 26], [26, 28], [27, 31], [28, 32], [0, 11], [0, 12]];

  document.addEventListener("DOMContentLoaded", () => {
    const live = document.getElementById("coach-live");
    if (!live) return;
    const $ = (id) => document.getElementById(id);
    const canvas = $("coach-canvas");
    const context = canvas.getContext("2d");
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    const state = { socket: null, setId: null, inFlight: 0, timer: null, landmarks: [], done: false, stream: null };

    $("coach-start").addEventListener("click", async () => {
      $("coach-error").textContent = "";
      try {
        state.stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      } catch (error) {
        $("coach-error").textContent = "Backchain could not open the camera; allow camera access and try again.";
        return;
      }
      video.srcObject = state.stream;
      await video.play();
      $("coach-setup").hidden = true;
      live.hidden = false;
      connect();
      state.timer = setInterval(tick, 1000 / FPS);
    });

    $("coach-finish").addEventListener("click", finish);

    function connect() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      let url = `${scheme}//${location.host}/coach/ws?exercise=${encodeURIComponent(live.dataset.exercise)}`;
      if (state.setId) url += `&set=${encodeURIComponent(state.setId)}`;
      const socket = new WebSocket(url);
      socket.binaryType = "arraybuffer";
      state.inFlight = 0;
      socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
      socket.addEventListener("close", () => {
        if (state.socket !== socket) return; // closed on purpose: see stop()
        state.socket = null;
        if (!state.done) setTimeout(connect, RECONNECT_MS); // resume the same set
      });
      state.socket = socket;
    }

    function receive(message) {
      if (message.type === "set") {
        state.setId = message.set_id;
        showCount(message.reps);
      } else if (message.type === "frame") {
        state.inFlight = Math.max(0, state.inFlight - 1);
        showCount(message.reps);
        $("coach-hold").textContent = message.hold_s.toFixed(1);
        if ($("coach-cue").textContent !== message.cue) $("coach-cue").textContent = message.cue;
        state.landmarks = message.landmarks;
        if (message.done) finish();
      } else if (message.type === "warning") {
        state.inFlight = Math.max(0, state.inFlight - 1);
      } else if (message.type === "finished") {
        showDone(message.reps, message.save_url);
      } else if (message.type === "busy") {
        stop(message.message); // the server closes this socket; "Coach me" tries again
      }
    }

    // Back to the set-up with a message: the camera is released and nothing reconnects.
    function stop(text) {
      clearInterval(state.timer);
      if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
      const socket = state.socket;
      state.socket = null;
      if (socket) socket.close();
      live.hidden = true;
      $("coach-setup").hidden = false;
      $("coach-error").textContent = text;
    }

    function showCount(reps) {
      const text = String(reps);
      if ($("coach-reps").textContent !== text) $("coach-reps").textContent = text;
    }

    function tick() {
      if (!video.videoWidth) return;
      const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context.drawImage(video, 0, 0, width, height);
      const socket = state.socket;
      if (socket && socket.readyState === WebSocket.OPEN && state.inFlight < MAX_IN_FLIGHT) {
        const time = performance.now() / 1000;
        state.inFlight += 1;
        canvas.toBlob(async (blob) => {
          if (!blob || socket.readyState !== WebSocket.OPEN) return;
          const header = new DataView(new ArrayBuffer(8));
          header.setFloat64(0, time, true);
          socket.send(await new Blob([header, blob]).arrayBuffer());
        }, "image/jpeg", 0.8);
      }
      drawSkeleton(width, height);
    }

    function drawSkeleton(width, height) {
      const points = state.landmarks;
      if (!points.length) return;
      context.lineWidth = 3;
      context.strokeStyle = "#28d25a";
      for (const [a, b] of BONES) {
        if (points[a][2] < 0.3 || points[b][2] < 0.3) continue;
        context.beginPath();
        context.moveTo(points[a][0] * width, points[a][1] * height);
        context.lineTo(points[b][0] * width, points[b][1] * height);
        context.stroke();
      }
    }

    function finish() {
      if (state.done) return;
      state.done = true;
      clearInterval(state.timer);
      if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
      if (state.socket && state.socket.readyState === WebSocket.OPEN) {
        state.socket.send(JSON.stringify({ type: "finish" }));
      } else {
        showDone(Number($("coach-reps").textContent), `/session/for/${encodeURIComponent(live.dataset.exercise)}?reps=${$("coach-reps").textContent}`);
      }
    }

    function showDone(reps, saveUrl) {
      $("coach-final").textContent = String(reps);
      $("coach-save").href = saveUrl;
      live.hidden = true;
      $("coach-done").hidden = false;
      if (state.socket) state.socket.close();
    }
  });
})();
