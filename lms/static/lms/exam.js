// The exam pages: the waiting room before the bell, the paper (autosave, navigator, flags,
// countdown, 交卷) and the check page's countdown.
//
// Answers go over the exam socket (/ws/lms/quizzes/<id>/, lms/consumers.py) and are shown as
// saved only when the server acknowledges them, which it does after they are committed. Every
// answer carries a sequence number that rises for the attempt; an answer not yet acknowledged
// is kept and sent again (same number) after a reconnect, or over HTTP when the socket is down,
// so nothing typed is lost and a resend never stores twice or replaces a newer answer.
// Without a socket everything works over HTTP; without JavaScript the form posts the paper.

const csrf = () => document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";

async function post(url, body, keepalive = false) {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
      credentials: "same-origin",
      keepalive,  // a report sent as the page goes to the background still leaves
    });
    let data = {};
    try { data = await response.json(); } catch { data = {}; }
    return { ok: response.ok, status: response.status, data };
  } catch {
    return { ok: false, status: 0, data: {} };
  }
}

const STOP_CODES = new Set([4401, 4403, 4404, 4429]);

// The socket of one quiz: reconnects with backoff, and keeps what was sent until it is answered.
export class ExamSocket {
  constructor(path) {
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
    this.ready = false;
    this.seq = 0;
    this.pending = new Map();  // seq → { message, resolve }
    this.waiters = [];  // { type, resolve } for open / submit
    this.listeners = new Set();
    this.backoff = 500;
    this.stopped = false;
    this.connect();
  }

  connect() {
    let ws;
    try { ws = new WebSocket(this.url); } catch { this.retry(); return; }
    this.ws = ws;
    ws.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this.receive(message);
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      this.ready = false;
      this.emit({ type: "offline" });
      // Answers in flight are not lost: they go again with the same numbers when the socket is
      // back, or over HTTP right away (the server keeps whichever arrives first, once).
      this.emit({ type: "unsent", answers: [...this.pending.values()] });
      if (STOP_CODES.has(event.code)) { this.stopped = true; return; }
      this.retry();
    });
  }

  retry() {
    if (this.stopped) return;
    setTimeout(() => this.connect(), this.backoff + Math.random() * this.backoff);
    this.backoff = Math.min(this.backoff * 2, 8000);
  }

  emit(message) { for (const listener of this.listeners) listener(message); }

  nextSeq() {
    // Numbers rise across reloads and tabs too: never below the server's last one or the clock.
    this.seq = Math.max(this.seq + 1, Date.now());
    return this.seq;
  }

  receive(message) {
    if (message.type === "hello") {
      this.ready = true;
      this.backoff = 500;
      this.seq = Math.max(this.seq, message.last_seq || 0);
      this.emit(message);
      for (const { message: answer } of this.pending.values()) this.ws.send(JSON.stringify(answer));
      return;
    }
    if (message.type === "ack" || (message.type === "error" && message.seq)) {
      const entry = this.pending.get(message.seq);
      if (!entry) return;
      if (message.type === "error" && message.code === "not_stored") {
        setTimeout(() => { if (this.ready && this.pending.has(message.seq)) this.ws.send(JSON.stringify(entry.message)); }, 1000);
        this.emit(message);
        return;
      }
      this.pending.delete(message.seq);
      entry.resolve({ ok: message.type === "ack", data: { ...message, detail: message.message } });
      return;
    }
    const waiter = this.waiters.find((w) => w.types.includes(message.type));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(message);
      return;
    }
    this.emit(message);
  }

  request(message, types) {
    return new Promise((resolve) => {
      this.waiters.push({ types, resolve });
      this.ws.send(JSON.stringify(message));
    });
  }

  open() { return this.request({ type: "open" }, ["paper", "error"]); }

  submit() { return this.request({ type: "submit" }, ["submitted", "error"]); }

  // One answer: resolves with { ok, data } once the server has committed it (or refused it).
  answer(question, response, seq) {
    const message = { type: "answer", seq, question, response };
    return new Promise((resolve) => {
      this.pending.set(seq, { message, resolve });
      if (this.ready) this.ws.send(JSON.stringify(message));
    });
  }

  forget(seq) { this.pending.delete(seq); }
}

// --- The waiting room -------------------------------------------------------------------------

// Before the bell: a countdown by the server's clock; at the bell the paper is asked for (each
// page within a second of it, so a hall does not arrive in the same millisecond) and shown in
// place. Without a socket, the start form posts as before.
export function startLobby(lobby) {
  const socket = new ExamSocket(lobby.dataset.socket);
  const out = lobby.querySelector("[data-bell-countdown]");
  const form = lobby.querySelector("[data-start-form]");
  const button = form?.querySelector("button");
  const state = lobby.querySelector("[data-lobby-state]");
  let offset = 0;  // server clock − this clock
  let opening = false;
  const opensAt = lobby.dataset.opensAt ? Date.parse(lobby.dataset.opensAt) : null;
  socket.listeners.add((message) => {
    if (message.type === "hello") {
      offset = Date.parse(message.server_time) - Date.now();
      // In a waiting room whose paper is already open (another tab, a reload): go to the paper.
      // A quiz page without a bell stays as it is (its table links to the open attempt).
      if (message.attempt && !opening && opensAt !== null) location.assign(`/learn/attempts/${message.attempt}/`);
    }
  });
  const open = async () => {
    if (opening) return;
    opening = true;
    if (button) button.disabled = true;
    if (state) state.textContent = lobby.dataset.msgOpening;
    if (!socket.ready) { form?.submit(); return; }
    const paper = await socket.open();
    if (paper.type === "error") {
      opening = false;
      if (button) button.disabled = false;
      if (state) state.textContent = paper.message;
      return;
    }
    if (!paper.html) { location.assign(paper.url); return; }
    const root = document.createElement("div");
    root.dataset.examRoot = "";
    root.dataset.socket = lobby.dataset.socket;
    root.dataset.attempt = String(paper.attempt);
    root.dataset.lastSeq = String(paper.last_seq || 0);
    root.innerHTML = paper.html;
    const token = document.createElement("input");
    Object.assign(token, { type: "hidden", name: "csrfmiddlewaretoken", value: csrf() });
    root.querySelector("form")?.prepend(token);
    const seconds = root.querySelector("[data-seconds-left]");
    if (seconds && paper.deadline) {
      seconds.dataset.secondsLeft = String(Math.max(0, Math.round((Date.parse(paper.deadline) - Date.parse(paper.server_time)) / 1000)));
    }
    lobby.replaceWith(root);
    history.replaceState(null, "", paper.url);
    startPaper(root, socket);
    root.querySelector(".question")?.focus();
  };
  form?.addEventListener("submit", (event) => {
    if (!socket.ready) return;  // the form posts: the server-rendered paper
    event.preventDefault();
    open();
  });
  if (opensAt === null) return;
  if (button) button.disabled = true;  // before the bell the server would refuse it; it opens by itself
  const jitter = Math.random() * 1000;
  const tick = () => {
    const left = opensAt - (Date.now() + offset);
    if (left <= 0) {
      if (out) out.textContent = "00:00";
      setTimeout(open, jitter);
      return;
    }
    const s = Math.ceil(left / 1000);
    const h = Math.floor(s / 3600);
    const clock = `${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
    if (out) out.textContent = h ? `${h}:${clock}` : clock;
    setTimeout(tick, Math.min(1000, left));
  };
  tick();
}

// --- The paper --------------------------------------------------------------------------------

export function startPaper(root, existing = null) {
  const paper = root.querySelector("[data-autosave]");
  if (!paper) return;
  const socket = existing || (root.dataset.socket ? new ExamSocket(root.dataset.socket) : null);
  const attemptId = Number(root.dataset.attempt);
  if (socket) socket.seq = Math.max(socket.seq, Number(root.dataset.lastSeq || 0));
  const url = paper.dataset.autosave;
  const state = root.querySelector("[data-save-state]");
  const clock = { ends: null };
  const syncDeadline = (data) => {
    if (!data || !data.deadline || !data.server_time || clock.ends === null) return;
    const left = Date.parse(data.deadline) - Date.parse(data.server_time);
    if (Number.isFinite(left)) clock.ends = Date.now() + left;
  };
  // The socket is this paper's only if it speaks of this attempt (hello names it).
  let socketMine = existing !== null;
  if (socket) {
    socket.listeners.add((message) => {
      if (message.type === "hello") socketMine = message.attempt === attemptId;
      if (message.type === "unsent") {
        // The socket dropped with answers in flight: send them over HTTP now, same numbers.
        for (const { message: answer, resolve } of message.answers) {
          viaHttp(answer.question, answer.response, answer.seq).then((result) => {
            if (result.status === 0) return;  // offline: the socket resends them when it is back
            socket.forget(answer.seq);
            resolve(result);
          });
        }
      }
    });
  }
  const viaHttp = (question, response, seq) => post(url, { question, response, seq });
  const send = (question, response) => {
    const seq = socket ? socket.nextSeq() : Date.now();
    if (socket && socket.ready && socketMine) return socket.answer(question, response, seq);
    return viaHttp(question, response, seq);
  };

  const collect = (qid) => {
    const inputs = paper.querySelectorAll(`[name="q${qid}"]`);
    const first = inputs[0];
    if (!first) return null;
    if (first.type === "radio") return [...inputs].find((i) => i.checked)?.value ?? null;
    if (first.type === "checkbox") return [...inputs].filter((i) => i.checked).map((i) => i.value);
    if (inputs.length > 1 || first.dataset.blank !== undefined) return [...inputs].map((i) => i.value);
    return first.value;
  };
  const timers = {};
  const inFlight = new Set();
  let lastContact = Date.now();
  // Integrity signals for the proctor (counted per attempt on the server, never scored): the page
  // going to the background, text pasted into an answer, and a presence report when the page is
  // open but has not saved for a minute (it also brings a new deadline).
  const signalUrl = paper.dataset.signalUrl;
  const signal = async (kind) => {
    if (!signalUrl) return;
    const { ok, data } = await post(signalUrl, { kind }, kind === "hidden");
    lastContact = Date.now();
    if (ok) syncDeadline(data);
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
    const request = send(Number(qid), collect(qid));
    inFlight.add(request);
    const { ok, data } = await request;
    inFlight.delete(request);
    lastContact = Date.now();
    if (ok) syncDeadline(data);
    if (state) state.textContent = ok ? paper.dataset.msgSaved : (data.detail || paper.dataset.msgFailed);
    return ok;
  };
  // Before leaving the paper (check, submit, time up) every pending answer is sent.
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
  const nav = root.querySelector("[data-exam-nav]");
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
  // Flags are stored with the attempt on the server (a reload and the check show them).
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

  // 交卷: with the socket, the check (unanswered and flagged questions) opens in place and the
  // paper is submitted over the socket; without it, the check page, then the form's post.
  let leaving = false;
  const submitBySocket = async () => {
    await flushAll();
    if (!(socket && socket.ready && socketMine)) return false;
    const done = await socket.submit();
    if (done.type !== "submitted") return false;
    leaving = true;
    location.assign(done.url);
    return true;
  };
  const check = checkDialog(root, paper, nav, submitBySocket);
  paper.addEventListener("submit", async (event) => {
    if (leaving) return;
    event.preventDefault();
    await flushAll();
    if (event.submitter?.hasAttribute("data-submit")) {
      if (socket && socket.ready && socketMine && check) { check(); return; }
      leaving = true;
      location.assign(paper.dataset.summaryUrl);
      return;
    }
    leaving = true;
    HTMLFormElement.prototype.submit.call(paper);
  });
  for (const link of root.querySelectorAll("[data-summary-link]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      await flushAll();
      if (socket && socket.ready && socketMine && check) { check(); return; }
      location.assign(link.href);
    });
  }
  const jumpTo = window.location.hash.match(/^#q-(\d+)$/);
  if (jumpTo) document.getElementById(`q-${jumpTo[1]}`)?.focus({ preventScroll: false });
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
  startCountdown(root, { clock, paper, flushAll, submitBySocket, leaving: () => leaving });
}

// The check before 交卷, in place: the unanswered and flagged questions (links back into the
// paper), then 确认交卷 over the socket. Built from the navigator's state.
function checkDialog(root, paper, nav, submitBySocket) {
  if (!nav || typeof HTMLDialogElement === "undefined") return null;
  const dialog = document.createElement("dialog");
  dialog.className = "exam-check";
  root.append(dialog);
  const numbers = (selector) => [...nav.querySelectorAll(selector)].map((b) => ({ n: b.textContent.trim(), id: b.dataset.jump }));
  return () => {
    const unanswered = numbers("[data-jump]:not(.is-answered)");
    const flagged = numbers("[data-jump].is-flagged");
    dialog.replaceChildren();
    const title = document.createElement("h2");
    title.id = "exam-check-title";
    title.textContent = paper.dataset.msgCheckTitle;
    dialog.append(title);
    dialog.setAttribute("aria-labelledby", title.id);  // named by its title once it has one
    const list = (label, items, none) => {
      const p = document.createElement("p");
      p.append(`${label}：`);
      if (!items.length) p.append(none);
      items.forEach((item, i) => {
        const a = document.createElement("a");
        a.href = `#q-${item.id}`;
        a.textContent = paper.dataset.msgQuestionN.replace("%s", item.n);
        a.addEventListener("click", () => dialog.close());
        if (i) p.append("、");
        p.append(a);
      });
      dialog.append(p);
    };
    list(paper.dataset.msgUnansweredList, unanswered, paper.dataset.msgNone);
    list(paper.dataset.msgFlaggedList, flagged, paper.dataset.msgNone);
    const note = document.createElement("p");
    note.className = "small muted";
    note.textContent = paper.dataset.msgFinal;
    const error = document.createElement("p");
    error.setAttribute("role", "alert");
    const actions = document.createElement("p");
    actions.className = "actions";
    const back = document.createElement("button");
    Object.assign(back, { type: "button", className: "btn btn-ghost", textContent: paper.dataset.msgBack });
    back.addEventListener("click", () => dialog.close());
    const confirm = document.createElement("button");
    Object.assign(confirm, { type: "button", className: "btn", textContent: paper.dataset.msgConfirm });
    confirm.dataset.confirmSubmit = "";
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      if (!(await submitBySocket())) {
        confirm.disabled = false;
        error.textContent = paper.dataset.msgFailed;
      }
    });
    actions.append(back, confirm);
    dialog.append(note, error, actions);
    dialog.showModal();
    confirm.focus();
  };
}

// Countdown (a display of the server deadline) with spoken warnings at 5 and 1 minutes. At zero
// the paper submits itself; if the browser is gone, the server submits the attempt anyway.
export function startCountdown(root, exam) {
  const timer = root.querySelector("[data-seconds-left]");
  if (!timer) return;
  const clock = exam?.clock ?? { ends: null };
  clock.ends = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  const out = timer.querySelector("output");
  const warning = root.querySelector("[data-time-warning]");
  const finalForm = document.querySelector("[data-final-submit]");
  const warned = new Set();
  const warn = (key, text) => {
    if (warned.has(key) || !warning || !text) return;
    warned.add(key);
    warning.textContent = text;
  };
  const tick = async () => {
    const left = Math.max(0, Math.round((clock.ends - Date.now()) / 1000));
    out.textContent = `${String(Math.floor(left / 60)).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
    // An extension can move the end back past a warning already given: it may be given again.
    const again = [left > 300 && "five", left > 60 && "one"].filter((key) => key && warned.delete(key));
    if (again.length && warning) warning.textContent = "";
    if (left <= 300 && left > 60) warn("five", timer.dataset.msgFive);
    if (left <= 60 && left > 0) warn("one", timer.dataset.msgOne);
    if (left > 0) { setTimeout(tick, 1000); return; }
    warn("up", timer.dataset.msgUp);
    if (exam?.paper) {
      if (exam.leaving()) return;
      if (await exam.submitBySocket()) return;
      await exam.flushAll();
      HTMLFormElement.prototype.submit.call(exam.paper);
    } else if (finalForm) {
      HTMLFormElement.prototype.submit.call(finalForm);
    }
  };
  tick();
}
