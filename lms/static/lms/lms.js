// LMS page behaviour: print button, lesson completion reports, quiz autosave and countdown.
const csrf = () => document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  return { ok: response.ok, data };
}

async function postForm(url, fields) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, String(value));
  const response = await fetch(url, {
    method: "POST",
    headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
    body,
    credentials: "same-origin",
  });
  return response.ok;
}

// Lesson: report "read to the end" when the end marker scrolls into view; videos past a threshold.
const lesson = document.querySelector("[data-lesson-progress]");
if (lesson) {
  const url = lesson.dataset.lessonProgress;
  const end = document.querySelector("[data-lesson-end]");
  let reported = false;
  if (end && "IntersectionObserver" in window) {
    new IntersectionObserver((entries, observer) => {
      if (!reported && entries.some((e) => e.isIntersecting)) {
        reported = true;
        observer.disconnect();
        postForm(url, { how: "read" });
      }
    }).observe(end);
  }
  for (const video of document.querySelectorAll("video")) {
    let sent = false;
    video.addEventListener("timeupdate", () => {
      if (!sent && video.duration && video.currentTime / video.duration >= 0.9) {
        sent = true;
        postForm(url, { how: "video", watched: video.currentTime / video.duration });
      }
    });
  }
}

// Quiz: autosave each answer as it changes; the countdown is a display of the server deadline.
const paper = document.querySelector("[data-autosave]");
if (paper) {
  const url = paper.dataset.autosave;
  const state = document.querySelector("[data-save-state]");
  const collect = (qid) => {
    const inputs = paper.querySelectorAll(`[name="q${qid}"]`);
    const first = inputs[0];
    if (!first) return null;
    if (first.type === "radio") return [...inputs].find((i) => i.checked)?.value ?? null;
    if (first.type === "checkbox") return [...inputs].filter((i) => i.checked).map((i) => i.value);
    if (inputs.length > 1 || first.dataset.blank !== undefined) return [...inputs].map((i) => i.value);
    return first.value;
  };
  let timers = {};
  paper.addEventListener("input", (event) => {
    const qid = event.target.closest("[data-qid]")?.dataset.qid;
    if (!qid || event.target.type === "file") return;
    clearTimeout(timers[qid]);
    timers[qid] = setTimeout(async () => {
      if (state) state.textContent = paper.dataset.msgSaving;
      const { ok, data } = await post(url, { question: Number(qid), response: collect(qid) });
      if (state) state.textContent = ok ? paper.dataset.msgSaved : (data.detail || paper.dataset.msgFailed);
    }, 400);
  });
  // Practical answers: a picked file is uploaded at once (replacing the previous one), so a
  // refresh or a dropped connection keeps it.
  for (const input of paper.querySelectorAll("[data-upload]")) {
    input.addEventListener("change", async () => {
      const qid = input.closest("[data-qid]")?.dataset.qid;
      const out = input.closest("[data-qid]")?.querySelector("[data-upload-state]");
      const file = input.files?.[0];
      if (!qid || !file) return;
      const body = new FormData();
      body.append("question", qid);
      body.append("file", file);
      if (out) out.textContent = paper.dataset.msgUploading;
      let data = {};
      let ok = false;
      try {
        const response = await fetch(paper.dataset.uploadUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrf() },
          body,
          credentials: "same-origin",
        });
        ok = response.ok;
        try { data = await response.json(); } catch { data = {}; }
      } catch { ok = false; }
      if (!out) return;
      out.textContent = "";
      if (ok) {
        const link = document.createElement("a");
        link.href = data.url;
        link.textContent = data.name;
        out.append(`${paper.dataset.msgUploaded}：`, link);
        input.value = "";  // already stored: the submit form need not send it again
      } else {
        out.textContent = data.detail || paper.dataset.msgFailed;
        input.value = "";
      }
    });
  }
  const timer = document.querySelector("[data-seconds-left]");
  if (timer) {
    const ends = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    const out = timer.querySelector("output");
    const tick = () => {
      const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      out.textContent = `${String(Math.floor(left / 60)).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
      if (left > 0) setTimeout(tick, 1000);
    };
    tick();
  }
}
