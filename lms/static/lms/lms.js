// LMS page behaviour: print button, lesson evidence reports; the exam pages load lms/exam.js.
const csrf = () => document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

// Lesson: the page reports evidence and the server decides when the lesson is done
// (lms/lesson_rules.py). Reading: a heartbeat every 15 s while the page is visible, with "end"
// once the end-of-text marker was in view. Video: the intervals actually played; a seek starts a
// new interval, so skipped parts never count.
const lesson = document.querySelector("[data-lesson-progress]");
if (lesson) {
  const url = lesson.dataset.lessonProgress;
  const rule = lesson.dataset.rule;
  let done = lesson.dataset.done === "1";
  const bar = document.querySelector("[data-rule-bar]");
  const status = document.querySelector("[data-rule-status]");
  const show = (state) => {
    if (!state || state.percent === undefined) return;
    if (bar) { bar.value = state.percent; bar.textContent = `${state.percent}%`; }
    if (status && state.status_text && !(rule === "quiz" && !state.done)) status.textContent = state.status_text;
    if (state.done && !done) {
      done = true;
      document.querySelector("[data-lesson-state]")?.classList.add("lesson-rule-done");
      document.querySelector("[data-read-button]")?.closest("form")?.remove();
    }
  };
  const report = async (fields) => {
    const body = new FormData();
    for (const [key, value] of Object.entries(fields)) body.append(key, String(value));
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        body,
        credentials: "same-origin",
      });
      const data = await response.json().catch(() => ({}));
      if (response.ok) show(data);
      else if (status && data.detail) status.textContent = data.detail;
    } catch { /* offline: the next heartbeat tries again */ }
  };
  if (rule === "read" && !done) {
    let endSeen = false;
    const end = document.querySelector("[data-lesson-end]");
    if (end && "IntersectionObserver" in window) {
      new IntersectionObserver((entries, observer) => {
        if (!endSeen && entries.some((e) => e.isIntersecting)) {
          endSeen = true;
          observer.disconnect();
          report({ how: "read", end: endSeen ? "1" : "" });
        }
      }).observe(end);
    }
    const beat = setInterval(() => {
      if (done) { clearInterval(beat); return; }
      if (document.visibilityState === "visible") report({ how: "read", end: endSeen ? "1" : "" });
    }, 15000);
  }
  for (const video of document.querySelectorAll(".lesson-body video")) {
    if (rule !== "video") break;
    const played = [];
    let start = null;
    let last = 0;
    let sent = 0;
    const close = () => {
      if (start !== null && last > start) played.push([start, last]);
      start = null;
    };
    video.addEventListener("play", () => { start = video.currentTime; last = video.currentTime; });
    video.addEventListener("timeupdate", () => {
      if (video.paused || video.seeking) return;
      const now = video.currentTime;
      // Normal playback moves a fraction of a second between updates; a jump is a seek.
      if (start === null || now < last || now - last > 1.5) { close(); start = now; }
      last = now;
    });
    video.addEventListener("seeking", close);
    const flush = () => {
      const pending = [...played];
      if (start !== null && last > start) pending.push([start, last]);
      if (!pending.length || !video.duration || !Number.isFinite(video.duration)) return;
      const total = pending.reduce((sum, [a, b]) => sum + b - a, 0);
      if (total === sent) return;
      sent = total;
      report({ how: "video", duration: video.duration, intervals: JSON.stringify(pending.slice(-500)) });
    };
    video.addEventListener("pause", () => { close(); flush(); });
    video.addEventListener("ended", () => { close(); flush(); });
    setInterval(() => { if (!video.paused) flush(); }, 10000);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
  }
}

// Quiz and exam pages (the paper, its countdown, the waiting room before the bell): lms/exam.js.
const examRoot = document.querySelector("[data-exam-root]");
const lobby = document.querySelector("[data-exam-lobby]");
const finalForm = document.querySelector("[data-final-submit]");
if (examRoot || lobby || finalForm) {
  import("./exam.js").then((exam) => {
    if (lobby) exam.startLobby(lobby);
    else if (examRoot) exam.startPaper(examRoot);
    else exam.startCountdown(document, null);
  });
}
