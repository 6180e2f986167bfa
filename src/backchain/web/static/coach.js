// Live coach: camera frames go to the server over a WebSocket as JPEGs (an 8-byte float64
// time in seconds, then the JPEG); replies bring the count, hold, one cue, the landmarks and
// what to say aloud. One frame is in flight at a time: a frame sent while the last is still
// being read would only wait behind it, so the picture the count comes from stays fresh.
// When the server is coaching as many windows as it will, it says so and the page stops.
"use strict";

(() => {
  const FPS = 15;
  const FRAME_MS = 1000 / FPS;
  const MAX_SIDE = 384; // px on the longer side sent: the pose model reads 256 px crops
  const JPEG_QUALITY = 0.7; // the pose model reads as well from this, in a smaller message
  const REPLY_TIMEOUT_MS = 3000; // a reply this late is taken as lost, and the next frame goes
  const RECONNECT_MS = 1000;
  const VISIBLE = 0.3; // landmarks less visible than this are not drawn
  const BONES = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
    [23, 25], [25, 27], [24, 26], [26, 28], [27, 31], [28, 32], [0, 11], [0, 12]];

  document.addEventListener("DOMContentLoaded", () => {
    const live = document.getElementById("coach-live");
    if (!live) return;
    const $ = (id) => document.getElementById(id);
    const video = $("coach-video");
    const overlay = $("coach-canvas");
    const outgoing = document.createElement("canvas"); // the frame sent, at MAX_SIDE
    const outgoingContext = outgoing.getContext("2d");
    const voice = makeVoice($("coach-voice"), $("coach-voice-note"));
    const state = {
      socket: null, setId: null, awaiting: false, sentAt: 0, nextDue: 0, timer: null,
      done: false, stream: null, reps: 0, judged: [],
    };

    $("coach-start").addEventListener("click", async () => {
      $("coach-error").textContent = "";
      voice.unlock(); // some browsers speak only after a tap; this is one
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
      live.scrollIntoView({ block: "start" });
      connect();
    });

    $("coach-finish").addEventListener("click", finish);

    function connect() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      let url = `${scheme}//${location.host}/coach/ws?exercise=${encodeURIComponent(live.dataset.exercise)}`;
      if (state.setId) url += `&set=${encodeURIComponent(state.setId)}`;
      const socket = new WebSocket(url);
      socket.binaryType = "arraybuffer";
      socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
      socket.addEventListener("close", () => {
        if (state.socket !== socket) return; // closed on purpose: see stop()
        state.socket = null;
        clearTimeout(state.timer);
        if (!state.done) setTimeout(connect, RECONNECT_MS); // resume the same set
      });
      state.socket = socket;
      state.awaiting = false;
    }

    function receive(message) {
      if (message.type === "set") {
        state.setId = message.set_id;
        state.reps = message.reps;
        showCount(message.reps);
        state.nextDue = performance.now();
        schedule();
      } else if (message.type === "frame") {
        replied();
        showFrame(message);
        if (message.done) finish();
      } else if (message.type === "warning") {
        replied();
      } else if (message.type === "finished") {
        showDone(message);
      } else if (message.type === "busy") {
        stop(message.message); // the server closes this socket; "Coach me" tries again
      }
    }

    function showFrame(message) {
      const counted = message.reps > state.reps;
      state.reps = message.reps;
      showCount(message.reps);
      $("coach-hold").textContent = message.hold_s.toFixed(1);
      const cue = message.cue || "";
      if ($("coach-cue").textContent !== cue) $("coach-cue").textContent = cue;
      if (message.rep) state.judged.push(message.rep);
      // The server says the count on the frame it is counted, and a cue once a rep is judged.
      if (message.say) voice.say(message.say, counted ? "count" : "cue");
      drawSkeleton(message.landmarks);
    }

    // Back to the set-up with a message: the camera is released and nothing reconnects.
    function stop(text) {
      clearTimeout(state.timer);
      voice.quiet();
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

    // Frames go every FRAME_MS, and never before the last one's reply is in; a reply later
    // than that lets the next frame go at once, and the beat starts again from there.
    function schedule() {
      clearTimeout(state.timer);
      if (state.done) return;
      const due = state.awaiting ? state.sentAt + REPLY_TIMEOUT_MS : state.nextDue;
      state.timer = setTimeout(sendFrame, Math.max(0, due - performance.now()));
    }

    function replied() {
      state.awaiting = false;
      schedule();
    }

    function sendFrame() {
      const socket = state.socket;
      if (!socket || socket.readyState !== WebSocket.OPEN || state.done) return;
      if (!video.videoWidth) {
        state.timer = setTimeout(sendFrame, FRAME_MS);
        return;
      }
      const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      if (outgoing.width !== width || outgoing.height !== height) {
        outgoing.width = width;
        outgoing.height = height;
      }
      outgoingContext.drawImage(video, 0, 0, width, height);
      const time = performance.now();
      state.awaiting = true;
      state.sentAt = time;
      state.nextDue = Math.max(state.nextDue, time - FRAME_MS) + FRAME_MS;
      schedule(); // the time-out, should the reply never come
      outgoing.toBlob((blob) => {
        if (!blob || socket.readyState !== WebSocket.OPEN) return;
        const header = new DataView(new ArrayBuffer(8));
        header.setFloat64(0, time / 1000, true);
        socket.send(new Blob([header, blob]));
      }, "image/jpeg", JPEG_QUALITY);
    }

    // The skeleton is drawn over the video, on a canvas of the video's own size.
    function drawSkeleton(points) {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width) return;
      if (overlay.width !== width || overlay.height !== height) {
        overlay.width = width;
        overlay.height = height;
      }
      const context = overlay.getContext("2d");
      context.clearRect(0, 0, width, height);
      if (!points || !points.length) return;
      context.lineWidth = Math.max(3, Math.round(height / 120));
      context.lineCap = "round";
      context.strokeStyle = "#28d25a";
      for (const [a, b] of BONES) {
        if (points[a][2] < VISIBLE || points[b][2] < VISIBLE) continue;
        context.beginPath();
        context.moveTo(points[a][0] * width, points[a][1] * height);
        context.lineTo(points[b][0] * width, points[b][1] * height);
        context.stroke();
      }
    }

    function finish() {
      if (state.done) return;
      state.done = true;
      clearTimeout(state.timer);
      if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
      if (state.socket && state.socket.readyState === WebSocket.OPEN) {
        state.socket.send(JSON.stringify({ type: "finish" }));
      } else {
        const reps = state.reps;
        const saveUrl = `/session/for/${encodeURIComponent(live.dataset.exercise)}?reps=${reps}`;
        showDone({ reps, save_url: saveUrl, summary: state.judged });
      }
    }

    function showDone(message) {
      $("coach-final").textContent = String(message.reps);
      $("coach-save").href = message.save_url;
      showSummary(message.summary || state.judged);
      live.hidden = true;
      $("coach-done").hidden = false;
      $("done-heading").focus();
      if (state.socket) state.socket.close();
    }

    // "Rep 1 — clean", "Rep 2 — Pause at the top": each rep with its faults' cues.
    function showSummary(reps) {
      const list = $("coach-summary");
      list.replaceChildren(...reps.map((rep) => {
        const item = document.createElement("li");
        const faults = (rep.faults || []).map((fault) => fault.cue);
        const held = rep.hold_s == null ? "" : ` (held ${rep.hold_s.toFixed(1)} s)`;
        item.textContent = `Rep ${rep.index}${held} — ${faults.length ? faults.join("; ") : "clean"}`;
        return item;
      }));
      list.hidden = reps.length === 0;
    }
  });

  // Speaks the count and cues. Counts are never dropped; a cue still waiting, or being spoken,
  // when a newer cue or a count comes is stale and gives way. Remembered on this device.
  function makeVoice(button, note) {
    const KEY = "backchain.coach.voice";
    const STUCK_MS = 5000; // an utterance not over by then is taken as over (some engines hang)
    const synth = window.speechSynthesis && typeof window.SpeechSynthesisUtterance === "function"
      ? window.speechSynthesis : null;
    const lang = document.documentElement.lang || "en";
    let on = synth !== null && remembered() !== "off";
    let queue = []; // [{text, kind}] waiting, oldest first
    let current = null; // {utterance, kind, timer} being spoken

    if (synth === null) {
      button.disabled = true;
      note.hidden = false;
    }
    show();
    button.addEventListener("click", () => {
      on = !on;
      remember(on ? "on" : "off");
      show();
      if (on) unlock();
      else quiet();
    });

    function show() {
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? "Voice on" : "Voice off";
    }

    function say(text, kind) {
      if (!on) return;
      queue = queue.filter((item) => item.kind === "count");
      if (kind === "count" && current && current.kind === "cue") cancelCurrent();
      queue.push({ text, kind });
      next();
    }

    function next() {
      if (current || !queue.length) return;
      const { text, kind } = queue.shift();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      const over = () => ended(utterance);
      utterance.addEventListener("end", over);
      utterance.addEventListener("error", over);
      current = { utterance, kind, timer: setTimeout(over, STUCK_MS) };
      synth.speak(utterance);
    }

    function ended(utterance) {
      if (!current || current.utterance !== utterance) return;
      clearTimeout(current.timer);
      current = null;
      next();
    }

    function cancelCurrent() {
      clearTimeout(current.timer);
      current = null; // its "error" event, when cancel() fires it, finds nothing to end
      synth.cancel();
    }

    function quiet() {
      queue = [];
      if (current) cancelCurrent();
    }

    function unlock() {
      if (on) synth.speak(new SpeechSynthesisUtterance(""));
    }

    function remembered() {
      try {
        return localStorage.getItem(KEY);
      } catch (error) {
        return null; // storage refused (private browsing): the voice starts on
      }
    }

    function remember(value) {
      try {
        localStorage.setItem(KEY, value);
      } catch (error) {
        // not remembered on this device; the toggle still works for this page
      }
    }

    return { say, quiet: () => synth && quiet(), unlock: () => synth && unlock() };
  }
})();
