import { LiveClient, REFUSED, boardRows, countdown, esc } from "./client.js";
import { distributionSvg } from "./charts.js";

const $ = (id) => document.getElementById(id);
const STATES = { lobby: "候场", question: "答题中", closed: "已截止", revealed: "已揭晓", leaderboard: "排行榜", ended: "已结束" };
const state = { closesAt: null, paused: false, remaining: null };
const client = new LiveClient($("host").dataset.ws, { onMessage, onStatus: (s, code) => { $("status").dataset.status = s; $("status").textContent = s === "open" ? "已连接" : s === "refused" ? REFUSED[code] : "重连中…"; } });
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

function question(q) { $("q-pos").textContent = q ? `第 ${q.position} / ${q.total} 题` : ""; $("q-stem").textContent = q ? q.stem : "（尚未开题）"; }
function roundState(s, frozen, paused) { if (s) $("state").textContent = STATES[s] || s; $("frozen").hidden = !frozen; $("paused").hidden = !paused; }

function onMessage(m) {
  switch (m.type) {
    case "snapshot":
      question(m.question); roundState(m.state, m.frozen, m.paused);
      Object.assign(state, { closesAt: m.state === "question" ? m.closes_at : null, paused: m.paused, remaining: m.remaining });
      $("board").innerHTML = boardRows(m.leaderboard.top);
      if (m.progress) progress(m.progress);
      if (m.reveal) $("dist").innerHTML = distributionSvg(m.reveal.distribution, [].concat(m.reveal.answer));
      break;
    case "question_open":
      question(m.question); roundState("question", null, false); state.closesAt = m.closes_at; state.paused = false;
      $("answered").textContent = "0"; $("dist").innerHTML = ""; $("answer").textContent = "";
      break;
    case "question_closed": roundState("closed"); state.closesAt = null; $("answered").textContent = m.answered; break;
    case "reveal":
      roundState("revealed");
      $("dist").innerHTML = distributionSvg(m.distribution, [].concat(m.answer));
      $("answer").textContent = `答案：${JSON.stringify(m.answer)}　答对 ${m.correct_count} / ${m.answered}`;
      break;
    case "leaderboard": $("board").innerHTML = boardRows(m.top); break;
    case "round_state":
      roundState(m.state, m.frozen, m.paused); state.paused = m.paused; state.remaining = m.remaining;
      state.closesAt = m.state === "question" ? m.closes_at : null;
      break;
    case "progress": progress(m); break;
    case "presence":
      $("connected").textContent = m.connected;
      $("presence").insertAdjacentHTML("afterbegin", `<li>${esc(m.name)}（${esc(m.ticket)}）${m.online ? "上线" : "离线"}</li>`);
      break;
    case "error": $("error").textContent = m.message; $("error").hidden = false; break;
  }
}

function progress(p) {
  $("answered").textContent = p.answered; $("connected").textContent = p.connected; $("registered").textContent = p.registered;
  if (p.question_id && state.closesAt) $("dist").innerHTML = distributionSvg(p.distribution);
}
