// The hall's big screen (大屏): lobby with how to join, the question with its type and a timer
// ring, the distribution after the reveal, the animated top 10, and the final podium.
import { REFUSED, choicesOf, connect, esc, flip, fmtScore } from "./client.js";
import { distributionList, distributionRows, timerRing } from "./charts.js";

const $ = (id) => document.getElementById(id);
const root = $("screen");
const KIND = { single: "单选", multiple: "多选", truefalse: "判断", fill: "填空" };
const state = { phase: root.dataset.phase || "lobby", question: null, closesAt: null, seconds: 0, paused: false, remaining: null, top: [] };

const client = connect(root.dataset.ws, {
  onMessage,
  onStatus: (s, code) => {
    const el = $("status");
    el.dataset.status = s;
    el.textContent = s === "refused" ? REFUSED[code] : s === "open" || s === "preview" ? "" : "连接中…";
  },
});
timerRing($("timer-ring"), client, () => state);

function phase(p) {
  state.phase = p;
  root.dataset.phase = p;
  $("lobby").hidden = p !== "lobby";
  $("question").hidden = !["question", "closed", "revealed"].includes(p);
  $("final").hidden = p !== "ended";
  if (p === "lobby") pollJoined();
}

function question(q) {
  state.question = q;
  if (!q) return;
  $("q-kind").textContent = q.kind || KIND[q.qtype] || "";
  $("q-pos").textContent = `第 ${q.position} / ${q.total} 题`;
  $("q-points").textContent = `${fmtScore(q.points)} 分`;
  $("q-stem").textContent = q.stem;
  $("q-options").innerHTML = choicesOf(q).map((c) =>
    `<li>${c.label ? `<span class="opt-label">${esc(c.label)}</span>` : ""}<span class="opt-text">${esc(c.text)}</span></li>`).join("");
  $("q-options").dataset.count = choicesOf(q).length;
  $("q-options").hidden = false;
  $("dist").hidden = true;
  $("answer").textContent = "";
}

function reveal(m) {
  $("dist").innerHTML = distributionList(distributionRows(state.question, m), m.answered);
  $("dist").hidden = false;
  $("q-options").hidden = true;
  const key = m.answer_text || [].concat(m.answer).map((a) => (a === true ? "正确" : a === false ? "错误" : a)).join("、");
  $("answer").textContent = `正确答案：${key}　·　答对 ${m.correct_count} / ${m.answered} 人`;
}

// The top 10, rows sliding to their new places.
function board(top, frozen) {
  state.top = top;
  root.dataset.board = top.length ? "full" : "empty";
  const list = $("board");
  flip(list, () => {
    list.innerHTML = top.map((r) => `<li data-id="${r.participant_id}" class="rank-${r.rank}"><span class="rank">${r.rank}</span>` +
      `<span class="who">${esc(r.name)}${r.organization ? `<small>${esc(r.organization)}</small>` : ""}</span><span class="pts">${fmtScore(r.score)}</span></li>`).join("");
  });
  if (frozen != null) $("frozen").hidden = !frozen;
  if (state.phase === "ended") final(top);
}

function final(top) {
  const medal = ["", "冠军", "亚军", "季军"];
  $("podium").innerHTML = top.slice(0, 3).map((r) => `<li class="place-${r.rank}"><span class="medal">${medal[r.rank] || r.rank}</span>` +
    `<span class="who">${esc(r.name)}</span>${r.organization ? `<small>${esc(r.organization)}</small>` : ""}<span class="pts">${fmtScore(r.score)} 分</span><span class="step">${r.rank}</span></li>`).join("");
  $("rest").innerHTML = top.slice(3, 10).map((r) => `<li data-id="${r.participant_id}"><span class="rank">${r.rank}</span>` +
    `<span class="who">${esc(r.name)}${r.organization ? `<small>${esc(r.organization)}</small>` : ""}</span><span class="pts">${fmtScore(r.score)}</span></li>`).join("");
}

function timing(m) {
  state.closesAt = m.state === "question" ? m.closes_at : null;
  state.paused = !!m.paused;
  state.remaining = m.remaining;
  $("paused").hidden = !m.paused;
}

function onMessage(m) {
  switch (m.type) {
    case "snapshot":
      question(m.question);
      if (m.question) state.seconds = m.question.seconds;
      timing(m);
      $("frozen").hidden = !m.frozen;
      if (m.reveal) reveal(m.reveal);
      $("joined").textContent = m.leaderboard.total;
      phase(m.state);
      board(m.leaderboard.top, m.frozen);
      break;
    case "question_open":
      question(m.question);
      Object.assign(state, { closesAt: m.closes_at, seconds: m.question.seconds, paused: false });
      phase("question");
      break;
    case "question_closed":
      state.closesAt = null;
      $("answer").textContent = `本题已截止　·　共 ${m.answered} 人作答`;
      phase("closed");
      break;
    case "reveal":
      reveal(m);
      phase("revealed");
      break;
    case "leaderboard":
      if (m.shown && state.phase !== "ended") phase("leaderboard");
      board(m.top, m.frozen);
      break;
    case "round_state":
      timing(m);
      $("frozen").hidden = !m.frozen;
      if (m.state === "ended") { phase("ended"); final(state.top); }
      break;
  }
}

// In the lobby the count of contestants who joined comes from the public board (its `total`).
let polling = false;
function pollJoined() {
  if (polling || client.preview) return;
  polling = true;
  const tick = async () => {
    if (state.phase !== "lobby") { polling = false; return; }
    try {
      const res = await fetch(root.dataset.boardUrl, { headers: { Accept: "application/json" } });
      if (res.ok) $("joined").textContent = (await res.json()).total;
    } catch (e) { /* the next poll catches up */ }
    setTimeout(tick, 3000);
  };
  setTimeout(tick, 3000);
}
phase(state.phase);
