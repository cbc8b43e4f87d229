// Live-contest socket client (protocol: docs/realtime.md).
// Reconnects with jittered exponential backoff, tracks broadcast sequence numbers and asks for a
// snapshot after a reconnect or a gap, keeps the server clock offset, and resends
// unacknowledged answers with their original id (kept in localStorage across reloads).
import { gettext } from "../js/i18n.js";

const BROADCAST = new Set(["question_open", "question_closed", "reveal", "leaderboard", "round_state"]);
// Close codes after which reconnecting cannot help (docs/realtime.md "Close codes").
const FINAL = new Set([4401, 4403, 4404, 4409, 4410]);
export const REFUSED = {
  4401: gettext("登录已失效，请重新登录后刷新本页。"),
  4403: gettext("您没有进入该页面的权限。"),
  4404: gettext("没有这个场次，请检查链接。"),
  4409: gettext("您的准考证已在另一台设备上进入赛场，本设备已断开。"),
  4410: gettext("您已被组织者移出本场比赛。"),
};

export class LiveClient {
  constructor(path, { onMessage, onStatus, join } = {}) {
    this.path = path;
    this.onMessage = onMessage || (() => {});
    this.onStatus = onStatus || (() => {});
    this.join = join || null; // {ticket, access_code} for contestants
    this.lastSeq = 0;
    this.offset = 0; // server time − local time, in seconds
    this.attempt = 0;
    this.pendingKey = `live-pending:${path}`;
    this.pending = JSON.parse(localStorage.getItem(this.pendingKey) || "{}");
    this.connect();
  }

  now() { return Date.now() / 1000 + this.offset; }

  connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${proto}://${location.host}${this.path}`);
    this.ws = ws;
    this.onStatus("connecting");
    ws.onopen = () => { this.onStatus("open"); if (this.join) this.send({ type: "join", ...this.join }); };
    ws.onmessage = (ev) => this.receive(JSON.parse(ev.data));
    ws.onclose = (ev) => {
      // Refused (not signed in, not allowed, no such round), replaced or kicked: stay closed.
      if (FINAL.has(ev.code)) { this.onStatus("refused", ev.code); return; }
      this.onStatus("closed", ev.code);
      const delay = Math.min(10000, 500 * 2 ** this.attempt) * (0.5 + Math.random());
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    };
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) { this.ws.send(JSON.stringify(message)); return true; }
    return false;
  }

  receive(msg) {
    if (typeof msg.server_time === "number") this.offset = msg.server_time - Date.now() / 1000;
    // Back-off resets only once the server has let us in: an accepted-then-closed socket is no success.
    if (msg.type === "welcome") this.attempt = 0;
    if (msg.type === "joined" || (msg.type === "welcome" && !this.join)) this.resend();
    if (msg.type === "snapshot") this.lastSeq = Math.max(this.lastSeq, msg.seq);
    if (BROADCAST.has(msg.type)) {
      if (msg.seq <= this.lastSeq) return; // already applied (e.g. included in a snapshot)
      if (msg.seq > this.lastSeq + 1 && this.lastSeq > 0) { this.send({ type: "snapshot" }); }
      this.lastSeq = msg.seq;
    }
    if (msg.type === "ack" || (msg.type === "error" && msg.answer_id)) {
      delete this.pending[msg.answer_id];
      this.save();
    }
    this.onMessage(msg);
  }

  answer(questionId, response) {
    const id = crypto.randomUUID ? crypto.randomUUID() : fallbackUuid();
    this.pending[id] = { type: "answer", answer_id: id, question_id: questionId, response };
    this.save();
    this.send(this.pending[id]);
    return id;
  }

  resend() { for (const m of Object.values(this.pending)) this.send(m); }
  save() { localStorage.setItem(this.pendingKey, JSON.stringify(this.pending)); }
  command(action, extra = {}) { this.send({ type: "command", action, ...extra }); }
}

function fallbackUuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Preview (a round being authored): the page carries the messages a client would receive in
// <script id="live-preview" type="application/json">; no socket is opened and the messages are
// played, in order, through the same handler as live ones.
export function previewMessages() {
  const el = document.getElementById("live-preview");
  if (!el) return null;
  try {
    const messages = JSON.parse(el.textContent);
    return Array.isArray(messages) ? messages : null;
  } catch (e) { return null; }
}

export class PreviewClient {
  constructor(messages, { onMessage, onStatus } = {}) {
    this.preview = true;
    this.join = null;
    this.offset = 0;
    this.lastSeq = 0;
    // After the caller's module has finished (it may read `client` in its handlers).
    queueMicrotask(() => {
      if (onStatus) onStatus("preview");
      for (const m of messages) {
        if (typeof m.server_time === "number" && m.server_time > 0) this.offset = m.server_time - Date.now() / 1000;
        onMessage(m);
      }
    });
  }

  now() { return Date.now() / 1000 + this.offset; }
  send() { return false; }
  answer() { return null; }
  resend() {}
  command() {}
}

// The live socket, or a preview when the page carries preview messages.
export function connect(path, handlers) {
  const messages = previewMessages();
  if (messages) {
    const tag = document.getElementById("preview-tag");
    if (tag) tag.hidden = false;
    return new PreviewClient(messages, handlers);
  }
  return new LiveClient(path, handlers);
}

// How long is left on the open question, in seconds (null when no question is running).
export function secondsLeft(client, s) {
  if (!s || s.closesAt == null) return null;
  return Math.max(0, s.paused ? (s.remaining ?? 0) : s.closesAt - client.now());
}

export const reducedMotion = () => window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

// Rows slide from their previous place to the new one (FLIP); nothing moves for people who asked
// for reduced motion.
export function flip(list, render) {
  const before = new Map([...list.children].map((li) => [li.dataset.id, li.getBoundingClientRect().top]));
  render();
  if (reducedMotion()) return;
  [...list.children].forEach((li) => {
    const old = before.get(li.dataset.id);
    if (old == null) { li.classList.add("is-new"); return; }
    const dy = old - li.getBoundingClientRect().top;
    if (!dy) return;
    li.style.transition = "none"; li.style.transform = `translateY(${dy}px)`;
    requestAnimationFrame(() => requestAnimationFrame(() => { li.style.transition = ""; li.style.transform = ""; }));
  });
}

export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const LETTERS = "ABCDEF";

// A countdown driven by the server clock: closes_at is server time, client.now() adds the offset.
export function countdown(el, client, getState) {
  setInterval(() => {
    const left = secondsLeft(client, getState());
    el.textContent = left == null ? "" : `${Math.ceil(left)}`;
  }, 200);
}

export const fmtScore = (n) => (Number.isInteger(n) ? String(n) : Number(n).toFixed(2).replace(/0$/, ""));

export function boardRows(top) {
  return top.map((r) => `<li data-id="${r.participant_id}" style="--rank:${r.rank}"><span class="rank">${r.rank}</span><span class="who">${esc(r.name)}<small>${esc(r.organization)}</small></span><span class="pts">${fmtScore(r.score)}</span></li>`).join("");
}

// A question's buttons: the server's `choices` (one label each); older messages carry only `options`.
export function choicesOf(q) {
  if (q.choices && q.choices.length) return q.choices;
  if (q.qtype === "truefalse") return [{ key: true, label: "", text: gettext("正确") }, { key: false, label: "", text: gettext("错误") }];
  return (q.options || []).map((text, i) => ({ key: LETTERS[i], label: LETTERS[i], text }));
}
