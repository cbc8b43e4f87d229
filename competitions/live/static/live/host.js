// Host console: the state and its next step, counts, the question with its options and the key as
// text, the live distribution, who has not answered yet, and the true board.
import { fmt, gettext } from "../js/i18n.js";
import { LiveClient, REFUSED, boardRows, choicesOf, countdown, esc } from "./client.js";
import { distributionSvg } from "./charts.js";

const $ = (id) => document.getElementById(id);
const STATES = { lobby: gettext("候场"), question: gettext("答题中"), closed: gettext("已截止"), revealed: gettext("已揭晓"), leaderboard: gettext("排行榜"), ended: gettext("已结束") };
const KIND = { single: gettext("单选"), multiple: gettext("多选"), truefalse: gettext("判断"), fill: gettext("填空") };
const RULES = JSON.parse($("host-rules").textContent);
const state = { phase: null, question: null, closesAt: null, paused: false, frozen: false, remaining: null, reveal: null };
const client = new LiveClient($("host").dataset.ws, { onMessage, onStatus: (s, code) => { $("status").dataset.status = s; $("status").textContent = s === "open" ? gettext("已连接") : s === "refused" ? REFUSED[code] : gettext("重连中…"); } });
countdown($("timer"), client, () => state);

// A button with data-confirm (结束本场) asks first in its <dialog>; the command goes only on 确认.
document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => {
  $("error").hidden = true;
  const dialog = b.dataset.confirm ? $(b.dataset.confirm) : null;
  if (!dialog) { client.command(b.dataset.action); return; }
  dialog.returnValue = "";
  dialog.onclose = () => { if (dialog.returnValue === "confirm") client.command(b.dataset.action); };
  dialog.showModal();
}));
$("kick").addEventListener("submit", (e) => { e.preventDefault(); client.command("kick", { ticket: $("kick-ticket").value.trim() }); });

// Buttons the state allows are enabled; the usual next step stands out.
function buttons() {
  const allowed = new Set(RULES.allowed[state.phase] || []);
  const last = state.question && state.question.position >= state.question.total;
  if (last) allowed.delete("open_next");
  allowed.delete(state.paused ? "pause" : "resume");
  allowed.delete(state.frozen ? "freeze" : "unfreeze");
  if (state.paused) allowed.delete("close");
  let next = RULES.next[state.phase] || "";
  if (next === "open_next" && last) next = "end";
  if (state.paused) next = "resume";
  document.querySelectorAll("[data-action]").forEach((b) => {
    b.disabled = !allowed.has(b.dataset.action);
    b.dataset.next = String(b.dataset.action === next && !b.disabled);
  });
}

function roundState(s, frozen, paused) {
  if (s) { state.phase = s; $("state").textContent = STATES[s] || s; }
  if (frozen != null) state.frozen = frozen;
  if (paused != null) state.paused = paused;
  $("frozen").hidden = !state.frozen; $("paused").hidden = !state.paused;
  $("waiting-box").hidden = !["question", "closed"].includes(state.phase);
  buttons();
}

function question(q) {
  state.question = q;
  $("q-kind").hidden = !q;
  if (!q) { $("q-pos").textContent = ""; $("q-stem").textContent = gettext("（尚未开题）"); $("q-options").innerHTML = ""; return; }
  $("q-kind").textContent = q.kind || KIND[q.qtype] || "";
  $("q-pos").textContent = fmt(gettext("第 %(n)s / %(total)s 题"), { n: q.position, total: q.total });
  $("q-stem").textContent = q.stem;
  options();
}

function options() {
  const q = state.question;
  if (!q) return;
  const key = state.reveal ? [].concat(state.reveal.answer).map(String) : [];
  $("q-options").innerHTML = choicesOf(q).map((c) =>
    `<li class="${key.includes(String(c.key)) ? "is-correct" : ""}">${c.label ? `${esc(c.label)}. ` : ""}${esc(c.text)}</li>`).join("");
}

function reveal(m) {
  state.reveal = m;
  options();
  $("dist").innerHTML = distributionSvg(m.distribution, [].concat(m.answer));
  $("answer").textContent = fmt(gettext("答案：%(key)s　答对 %(right)s / %(answered)s"), { key: m.answer_text || "", right: m.correct_count, answered: m.answered });
}

function onMessage(m) {
  switch (m.type) {
    case "snapshot":
      state.reveal = null;
      question(m.question); roundState(m.state, m.frozen, m.paused);
      Object.assign(state, { closesAt: m.state === "question" ? m.closes_at : null, remaining: m.remaining });
      $("board").innerHTML = boardRows(m.leaderboard.top);
      $("dist").innerHTML = ""; $("answer").textContent = "";
      if (m.progress) progress(m.progress);
      if (m.reveal) reveal(m.reveal);
      break;
    case "question_open":
      state.reveal = null;
      question(m.question); roundState("question", null, false); state.closesAt = m.closes_at;
      $("answered").textContent = "0"; $("dist").innerHTML = ""; $("answer").textContent = "";
      client.send({ type: "snapshot" }); // the list of who has not answered yet starts with everyone
      break;
    case "question_closed": roundState("closed"); state.closesAt = null; $("answered").textContent = m.answered; break;
    case "reveal": roundState("revealed"); reveal(m); break;
    case "leaderboard": $("board").innerHTML = boardRows(m.top); if (m.shown && state.phase !== "ended") roundState("leaderboard"); break;
    case "round_state":
      state.remaining = m.remaining;
      state.closesAt = m.state === "question" ? m.closes_at : null;
      roundState(m.state, m.frozen, m.paused);
      break;
    case "progress": progress(m); break;
    case "presence":
      if (m.connected !== null) $("connected").textContent = m.connected;
      $("presence").insertAdjacentHTML("afterbegin", `<li>${esc(m.name)}（${esc(m.ticket)}）${m.online ? gettext("上线") : gettext("离线")}</li>`);
      break;
    case "error": $("error").textContent = m.message; $("error").hidden = false; break;
  }
}

function progress(p) {
  $("answered").textContent = p.answered; $("connected").textContent = p.connected; $("registered").textContent = p.registered;
  if (p.joined != null) $("joined").textContent = p.joined;
  if (p.question_id && state.closesAt) $("dist").innerHTML = distributionSvg(p.distribution);
  const waiting = p.waiting || [];
  $("waiting-count").textContent = p.waiting_count ?? waiting.length;
  $("waiting").innerHTML = waiting.map((w) => `<li class="${w.online ? "" : "offline"}">${esc(w.name)}<small>${esc(w.ticket)}${w.online ? "" : ` · ${gettext("离线")}`}</small></li>`).join("");
  const more = (p.waiting_count || 0) - waiting.length;
  $("waiting-more").hidden = more <= 0;
  $("waiting-more").textContent = more > 0 ? fmt(gettext("另有 %(n)s 人未作答"), { n: more }) : "";
}
