// Backchain session timers: get-ready countdown, hold timer and rest timer.
// Hand-written, no dependencies; a short beep (WebAudio) and a vibration mark each change.
(function () {
  "use strict";
  var box = document.querySelector(".timers");
  if (!box) return;
  var label = box.querySelector("[data-timer-label]");
  var count = box.querySelector("[data-timer-count]");
  var status = box.querySelector("[data-timer-status]");
  var stop = box.querySelector("[data-stop]");
  var ticking = null;
  var audio = null;

  function beep(ms) {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = audio || new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + ms / 1000);
    } catch (error) {
      // Sound is a nicety; the visible and announced timer still works.
    }
    if (navigator.vibrate) navigator.vibrate(ms);
  }

  function announce(text) {
    status.textContent = text;
    box.dataset.state = text;
  }

  function halt() {
    if (ticking) window.clearInterval(ticking);
    ticking = null;
    stop.hidden = true;
  }

  // Count `seconds` down, showing `name`; then announce `after` and run `next`, if any.
  function run(name, seconds, after, next) {
    halt();
    var left = seconds;
    label.textContent = name;
    count.textContent = left + " s";
    announce(name + ", " + seconds + " seconds");
    stop.hidden = false;
    beep(120);
    ticking = window.setInterval(function () {
      left -= 1;
      count.textContent = left + " s";
      if (left > 0) return;
      halt();
      beep(400);
      label.textContent = after;
      count.textContent = "";
      announce(after);
      if (next) next();
    }, 1000);
  }

  var hold = Number(box.dataset.hold || 0);
  var rest = Number(box.dataset.rest || 60);
  var ready = Number(box.dataset.getReady || 5);

  function startHold() {
    run("Hold", hold, "Hold done: lower with control");
  }

  box.querySelector("[data-start]").addEventListener("click", function () {
    // Holds without reps (a dog hold) start the hold straight after the countdown.
    var holdIsSet = hold > 0 && !document.getElementById("reps");
    run("Get ready", ready, holdIsSet ? "Hold" : "Go", holdIsSet ? startHold : null);
  });
  var holdButton = box.querySelector("[data-hold-start]");
  if (holdButton) holdButton.addEventListener("click", startHold);
  box.querySelector("[data-rest-start]").addEventListener("click", function () {
    run("Rest", rest, "Rest over: next set when ready");
  });
  stop.addEventListener("click", function () {
    halt();
    label.textContent = "Timer stopped";
    count.textContent = "";
    announce("Timer stopped");
  });
  if (box.hasAttribute("data-rest-now")) {
    run("Rest", rest, "Rest over: next set when ready");
  }
})();
