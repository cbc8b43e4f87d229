// LMS page behaviour: print button, lesson evidence reports, quiz autosave, flags, navigator and countdown.
const csrf = () => document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

async function post(url, body, keepalive = false) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(body),
    credentials: "same-origin",
    keepalive,  // a report sent as the page goes to the background still leaves
  });
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  return { ok: response.ok, data };
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

// The countdown's end, moved when the server answers with another deadline (a proctor's
// extension): the server clock rules, so the offset is taken from its own server_time.
let examEnds = null;
const syncDeadline = (data) => {
  if (!data || !data.deadline || !data.server_time || examEnds === null) return;
  const left = Date.parse(data.deadline) - Date.parse(data.server_time);
  if (Number.isFinite(left)) examEnds = Date.now() + left;
};

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
  const inFlight = new Set();
  let lastContact = Date.now();
  // Integrity signals for the proctor (counted per attempt on the server, never scored):
  // the page going to the background, text pasted into an answer, and a presence report
  // when the page is open but has not saved for a minute (it also brings a new deadline).
  const signalUrl = paper.dataset.signalUrl;
  const signal = async (kind) => {
    if (!signalUrl) return;
    try {
      const { ok, data } = await post(signalUrl, { kind }, kind === "hidden");
      lastContact = Date.now();
      if (ok) syncDeadline(data);
    } catch { /* offline: the next save or report tries again */ }
  };
  let lastPaste = 0;
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") signal("hidden"); });
  paper.addEventListener("paste", () => {
    if (Date.now() - lastPaste < 2000) return;  // one burst of pastes is one signal
    lastPaste = Date.now();
    signal("paste");
  });
  setInterval(() => {
    if (document.visibilityState === "visible" && Date.now() - lastContact >= 55000) signal("presence");
  }, 5000);
  const saveNow = async (qid) => {
    clearTimeout(timers[qid]);
    delete timers[qid];
    if (state) state.textContent = paper.dataset.msgSaving;
    const request = post(url, { question: Number(qid), response: collect(qid) });
    inFlight.add(request);
    const { ok, data } = await request;
    inFlight.delete(request);
    lastContact = Date.now();
    if (ok) syncDeadline(data);
    if (state) state.textContent = ok ? paper.dataset.msgSaved : (data.detail || paper.dataset.msgFailed);
  };
  // Before leaving the paper (summary, submit, time up) every pending answer is sent.
  const flushAll = async () => {
    await Promise.all([...Object.keys(timers).map((qid) => saveNow(qid)), ...inFlight]);
  };
  paper.addEventListener("input", (event) => {
    const qid = event.target.closest("[data-qid]")?.dataset.qid;
    if (!qid || event.target.type === "file") return;
    clearTimeout(timers[qid]);
    timers[qid] = setTimeout(() => saveNow(qid), 400);
    markNav(qid);
  });

  // Navigator: answered / unanswered / flagged; Enter or Space on a number (a button) jumps there.
  const nav = document.querySelector("[data-exam-nav]");
  const navButton = (qid) => nav?.querySelector(`[data-jump="${qid}"]`);
  const isAnswered = (qid) => {
    const box = paper.querySelector(`[data-qid="${qid}"]`);
    const value = collect(qid);
    if (box?.querySelector("[data-upload-state] a")) return true;
    if (Array.isArray(value)) return value.some((v) => String(v).trim() !== "");
    return value !== null && value !== undefined && String(value).trim() !== "";
  };
  function markNav(qid) {
    const button = navButton(qid);
    if (!button) return;
    const answered = isAnswered(qid);
    const flagged = button.classList.contains("is-flagged");
    button.classList.toggle("is-answered", answered);
    const n = button.textContent.trim();
    button.setAttribute("aria-label", `${nav.dataset.msgQuestion.replace("%s", n)}：${answered ? nav.dataset.msgAnswered : nav.dataset.msgUnanswered}${flagged ? "，" + nav.dataset.msgFlagged : ""}`);
    const count = nav.querySelector("[data-answered-count]");
    if (count) {
      const total = nav.querySelectorAll("[data-jump]").length;
      const answeredCount = nav.querySelectorAll("[data-jump].is-answered").length;
      count.textContent = count.textContent.replace(/\d+\s*\/\s*\d+/, `${answeredCount} / ${total}`);
    }
  }
  for (const button of nav?.querySelectorAll("[data-jump]") ?? []) {
    button.addEventListener("click", () => {
      const box = document.getElementById(`q-${button.dataset.jump}`);
      if (!box) return;
      for (const b of nav.querySelectorAll(".is-current")) b.classList.remove("is-current");
      button.classList.add("is-current");
      box.scrollIntoView({ block: "start" });
      box.focus({ preventScroll: true });
      history.replaceState(null, "", `#q-${button.dataset.jump}`);
    });
  }
  // Flags are stored with the attempt on the server (a reload and the summary show them).
  for (const button of paper.querySelectorAll("[data-flag]")) {
    button.addEventListener("click", async () => {
      const qid = button.closest("[data-qid]")?.dataset.qid;
      if (!qid) return;
      const flagged = button.getAttribute("aria-pressed") !== "true";
      const { ok, data } = await post(paper.dataset.flagUrl, { question: Number(qid), flagged });
      if (!ok) { if (state) state.textContent = data.detail || paper.dataset.msgFailed; return; }
      const now = (data.flagged || []).includes(Number(qid));
      button.setAttribute("aria-pressed", now ? "true" : "false");
      navButton(qid)?.classList.toggle("is-flagged", now);
      markNav(qid);
    });
  }
  // 交卷 with the script: save what is pending, then the summary of unanswered and flagged
  // questions (the form's own post, without the script, submits directly).
  let leaving = false;
  paper.addEventListener("submit", async (event) => {
    if (leaving) return;
    event.preventDefault();
    await flushAll();
    leaving = true;
    if (event.submitter?.hasAttribute("data-submit")) window.location.assign(paper.dataset.summaryUrl);
    else paper.submit();
  });
  for (const link of document.querySelectorAll("[data-summary-link]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      await flushAll();
      window.location.assign(link.href);
    });
  }
  const jumpTo = window.location.hash.match(/^#q-(\d+)$/);
  if (jumpTo) document.getElementById(`q-${jumpTo[1]}`)?.focus({ preventScroll: false });
  paper.flushAll = flushAll;
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
        markNav(qid);
      } else {
        out.textContent = data.detail || paper.dataset.msgFailed;
        input.value = "";
      }
    });
  }
}

// Countdown (a display of the server deadline) with spoken warnings at 5 and 1 minutes. At zero
// the paper posts itself; if the browser is gone, the server submits the attempt anyway.
const timer = document.querySelector("[data-seconds-left]");
if (timer) {
  examEnds = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  const out = timer.querySelector("output");
  const warning = document.querySelector("[data-time-warning]");
  const paperForm = document.querySelector("[data-autosave]");
  const finalForm = document.querySelector("[data-final-submit]");
  const warned = new Set();
  const warn = (key, text) => {
    if (warned.has(key) || !warning || !text) return;
    warned.add(key);
    warning.textContent = text;
  };
  const tick = async () => {
    const left = Math.max(0, Math.round((examEnds - Date.now()) / 1000));
    out.textContent = `${String(Math.floor(left / 60)).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
    // An extension can move the end back past a warning already given: it may be given again.
    const again = [left > 300 && "five", left > 60 && "one"].filter((key) => key && warned.delete(key));
    if (again.length && warning) warning.textContent = "";
    if (left <= 300 && left > 60) warn("five", timer.dataset.msgFive);
    if (left <= 60 && left > 0) warn("one", timer.dataset.msgOne);
    if (left > 0) { setTimeout(tick, 1000); return; }
    warn("up", timer.dataset.msgUp);
    if (paperForm) {
      await paperForm.flushAll?.();
      HTMLFormElement.prototype.submit.call(paperForm);
    } else if (finalForm) {
      HTMLFormElement.prototype.submit.call(finalForm);
    }
  };
  tick();
}
