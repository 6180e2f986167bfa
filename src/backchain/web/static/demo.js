// Backchain exercise demonstrations: stick figures drawn in SVG from the server's keyframes
// (GET /demos/{exercise}/{version}.json; millimetres, y up from the floor).
// Animated with requestAnimationFrame, easing between keyframes; with prefers-reduced-motion the
// key positions stand side by side as still figures instead. Hand-written, no dependencies.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var HEAD_MM = 100; // head radius
  var EYE_MM = 22;
  var WIDE = 2; // a box this many times wider than tall holds a figure lying down
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var running = []; // demos that animate: {figures, paused, visible, start, at}

  function make(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (parent) parent.appendChild(node);
    return node;
  }

  // The frame's points by name, as [x, y] with y pointing down the SVG.
  function pointsOf(data, frame) {
    var at = {};
    data.points.forEach(function (name, i) {
      at[name] = [frame[2 * i], -frame[2 * i + 1]];
    });
    return at;
  }

  function line(points) {
    return points
      .map(function (p) {
        return p[0].toFixed(0) + "," + p[1].toFixed(0);
      })
      .join(" ");
  }

  function mid(a, b) {
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  }

  function placed(prop, box, svg) {
    var x = prop.x, y = -prop.y, w = prop.w, top = -box[3];
    var g = make("g", { class: "demo-prop demo-prop--" + prop.kind }, svg);
    if (prop.kind === "mat") {
      make("rect", { x: x, y: -25, width: w, height: 25, rx: 10 }, g);
    } else if (prop.kind === "wall" || prop.kind === "door_frame") {
      make("line", { x1: x, y1: 0, x2: x, y2: top }, g);
    } else if (prop.kind === "chair") {
      var back = x + w;
      make("polyline", { points: line([[x, 0], [x, y], [back, y], [back, 0]]) }, g);
      make("line", { x1: back, y1: y, x2: back, y2: y - 450 }, g); // the backrest
    } else if (prop.kind === "counter") {
      make("rect", { x: x, y: y, width: w, height: -y }, g);
    }
  }

  // Kit in the hands follows them: a dumbbell or a band end in each hand, one bell between them.
  function held(prop, svg) {
    var g = make("g", { class: "demo-prop demo-prop--" + prop.kind }, svg);
    var bell = prop.kind === "kettlebell" || prop.kind === "goblet";
    var hands = bell ? [prop.at] : prop.at.map(function (name) {
      return [name];
    });
    var parts = hands.map(function () {
      if (prop.kind === "band") return make("line", { x1: prop.x, y1: -prop.y }, g);
      return make("circle", { r: bell ? 85 : 55 }, g);
    });
    function average(at, names) {
      return names.reduce(function (sum, name) {
        return [sum[0] + at[name][0] / names.length, sum[1] + at[name][1] / names.length];
      }, [0, 0]);
    }
    return function (at) {
      hands.forEach(function (names, i) {
        var hand = average(at, names);
        if (prop.kind === "band") {
          parts[i].setAttribute("x2", hand[0].toFixed(0));
          parts[i].setAttribute("y2", hand[1].toFixed(0));
          return;
        }
        var centre = hand;
        if (prop.kind === "kettlebell") {
          // The bell hangs on in the line of the forearm, past the hands.
          var elbow = average(at, names.map(function (name) {
            return name.replace("wrist", "elbow");
          }));
          var dx = hand[0] - elbow[0], dy = hand[1] - elbow[1];
          var length = Math.sqrt(dx * dx + dy * dy) || 1;
          centre = [hand[0] + (dx / length) * 110, hand[1] + (dy / length) * 110];
        } else if (prop.kind === "goblet") {
          centre = [hand[0], hand[1] + 40]; // against the chest, under the hands on its horns
        }
        parts[i].setAttribute("cx", centre[0].toFixed(0));
        parts[i].setAttribute("cy", centre[1].toFixed(0));
      });
    };
  }

  // One figure in a new SVG; returns a function that poses it at a frame.
  function figure(data, clip, host, label) {
    var box = data.box;
    var svg = make("svg", {
      class: "demo-svg",
      viewBox: [box[0], -box[3], box[2] - box[0], box[3] - box[1]].join(" "),
      "aria-hidden": "true",
      focusable: "false",
    }, host);
    var side = clip.view === "side";
    make("line", { class: "demo-floor", x1: box[0], y1: 0, x2: box[2], y2: 0 }, svg);
    data.props.forEach(function (prop) {
      if (!prop.at.length && side) placed(prop, box, svg);
    });
    var body = make("g", { class: "demo-body" + (side ? "" : " demo-body--front") }, svg);
    var limb = {};
    // The far side first, so the near limbs are drawn over it.
    ["left_arm", "left_leg", "trunk", "neck", "right_leg", "right_arm"].forEach(function (name) {
      var side = "demo-limb demo-limb--" + name.split("_")[0];
      limb[name] = make("polyline", { "data-limb": name, class: side }, body);
    });
    var head = make("circle", { class: "demo-head", r: HEAD_MM, "data-limb": "head" }, body);
    var eye = make("circle", { class: "demo-eye", r: EYE_MM }, body);
    var kit = data.props
      .filter(function (prop) {
        return prop.at.length && (side || prop.kind !== "band");
      })
      .map(function (prop) {
        return held(prop, svg);
      });
    if (label) {
      var text = document.createElement("span");
      text.className = "demo__still-label";
      text.textContent = label;
      host.appendChild(text);
    }
    return function (frame) {
      var at = pointsOf(data, frame);
      ["left", "right"].forEach(function (s) {
        var arm = [at[s + "_shoulder"], at[s + "_elbow"], at[s + "_wrist"]];
        var leg = [at[s + "_hip"], at[s + "_knee"], at[s + "_ankle"], at[s + "_heel"],
          at[s + "_toe"], at[s + "_ankle"]];
        limb[s + "_arm"].setAttribute("points", line(arm));
        limb[s + "_leg"].setAttribute("points", line(leg));
      });
      // From the side the trunk is a line; from the front, shoulders and hips make a frame.
      limb.trunk.setAttribute("points", line([at.left_shoulder, at.right_shoulder, at.right_hip,
        at.left_hip, at.left_shoulder]));
      var shoulders = mid(at.left_shoulder, at.right_shoulder);
      limb.neck.setAttribute("points", line([shoulders, at.head]));
      head.setAttribute("cx", at.head[0].toFixed(0));
      head.setAttribute("cy", at.head[1].toFixed(0));
      eye.setAttribute("cx", at.nose[0].toFixed(0));
      eye.setAttribute("cy", at.nose[1].toFixed(0));
      kit.forEach(function (pose) {
        pose(at);
      });
    };
  }

  // The pose `t` seconds into a clip's loop, eased linearly between keyframes.
  function frameAt(data, clip, t) {
    var frames = clip.frames;
    var f = (t * data.fps) % frames.length;
    var i = Math.floor(f), share = f - i;
    var a = frames[i], b = frames[(i + 1) % frames.length];
    return a.map(function (value, k) {
      return value + (b[k] - value) * share;
    });
  }

  function clipFor(data, panel) {
    var fault = panel.getAttribute("data-fault") || null;
    return data.clips.filter(function (clip) {
      return clip.fault === fault;
    })[0];
  }

  function stills(data, clip, host) {
    var list = document.createElement("div");
    list.className = "demo__stills";
    host.appendChild(list);
    clip.keys.forEach(function (key) {
      var still = document.createElement("div");
      still.className = "demo__still";
      list.appendChild(still);
      figure(data, clip, still, key.label)(clip.frames[key.frame]);
    });
    var labels = clip.keys.map(function (key) {
      return key.label;
    });
    var alt = host.getAttribute("data-alt");
    host.setAttribute("aria-label", alt + " Key positions: " + labels.join("; ") + ".");
  }

  function render(root, data) {
    var still = reduce !== null && reduce.matches;
    var toggle = root.querySelector("[data-demo-toggle]");
    var action = toggle.querySelector("[data-demo-action]");
    var figures = [];
    root.classList.toggle("demo--stills", still);
    // A figure lying down is wide and low: its faults get a row each, so they stay legible.
    var box = data.box;
    root.classList.toggle("demo--wide", box[2] - box[0] > WIDE * (box[3] - box[1]));
    root.querySelectorAll("[data-fault]").forEach(function (panel) {
      var host = panel.querySelector(".demo__figure");
      var clip = clipFor(data, panel);
      host.textContent = "";
      host.setAttribute("aria-label", host.getAttribute("data-alt"));
      if (!clip) return;
      if (still) {
        stills(data, clip, host);
      } else {
        figures.push({ clip: clip, pose: figure(data, clip, host, null) });
      }
    });
    running = running.filter(function (demo) {
      return demo.root !== root;
    });
    toggle.hidden = still;
    if (still) return;
    var demo = {
      root: root, data: data, figures: figures, paused: false, visible: true, start: null, at: 0,
    };
    running.push(demo);
    action.textContent = "Pause";
    toggle.onclick = function () {
      demo.paused = !demo.paused;
      demo.start = null;
      action.textContent = demo.paused ? "Play" : "Pause";
    };
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        demo.visible = entries[0].isIntersecting;
        demo.start = null;
      }).observe(root);
    }
    figures.forEach(function (f) {
      f.pose(f.clip.frames[0]);
    });
  }

  function tick(now) {
    running.forEach(function (demo) {
      if (demo.paused || !demo.visible) return;
      if (demo.start === null) demo.start = now - demo.at * 1000;
      demo.at = (now - demo.start) / 1000;
      demo.figures.forEach(function (f) {
        f.pose(frameAt(demo.data, f.clip, demo.at));
      });
    });
    window.requestAnimationFrame(tick);
  }

  function load(root) {
    fetch(root.getAttribute("data-demo"))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        render(root, data);
        if (reduce && reduce.addEventListener) {
          reduce.addEventListener("change", function () {
            render(root, data);
          });
        }
      })
      .catch(function () {
        root.querySelectorAll(".demo__figure").forEach(function (host) {
          host.textContent = "The demonstration could not be loaded; the words describe it.";
        });
      });
  }

  // Each demonstration loads as it nears the screen: a page of versions fetches only what is seen.
  var roots = document.querySelectorAll("[data-demo]");
  if ("IntersectionObserver" in window) {
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        near.unobserve(entry.target);
        load(entry.target);
      });
    }, { rootMargin: "300px" });
    roots.forEach(function (root) {
      near.observe(root);
    });
  } else {
    roots.forEach(load);
  }
  window.requestAnimationFrame(tick);
})();
