// The hall's big screen (大屏): lobby with how to join, the question with its type and a timer
// ring, the distribution after the reveal, the animated top 10, and the final podium.
import { fmt, gettext } from "../js/i18n.js";
import { REFUSED, choicesOf, connect, esc, flip, fmtScore } from "./client.js";
import { distributionList, distributionRows, timerRing } from "./charts.js";

const $ = (id) => document.getElementById(id);
const root = $("screen");
const KIND = { single: gettext("单选"), multiple: gettext("多选"), truefalse: gettext("判断"), fill: gettext("填空") };
const state = { phase: root.dataset.phase || "lobby", question: null, closesAt: null, seconds: 0, paused: false, remaining: null, top: [] };

const client = connect(root.dataset.ws, {
  onMessage,
  onStatus: (s, code) => {
    const el = $("status");
    el.dataset.status = s;
    el.textContent = s === "refused" ? REFUSED[code] : s === "open" || s === "preview" ? "" : gettext("连接中…");
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
  $("q-pos").textContent = fmt(gettext("第 %(n)s / %(total)s 题"), { n: q.position, total: q.total });
  $("q-points").textContent = fmt(gettext("%(n)s 分"), { n: fmtScore(q.points) });
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
  const key = m.answer_text || [].concat(m.answer).map((a) => (a === true ? gettext("正确") : a === false ? gettext("错误") : a)).join(gettext("、"));
  $("answer").textContent = fmt(gettext("正确答案：%(key)s　·　答对 %(right)s / %(answered)s 人"), { key, right: m.correct_count, answered: m.answered });
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
  const medal = ["", gettext("冠军"), gettext("亚军"), gettext("季军")];
  $("podium").innerHTML = top.slice(0, 3).map((r) => `<li class="place-${r.rank}"><span class="medal">${medal[r.rank] || r.rank}</span>` +
    `<span class="who">${esc(r.name)}</span>${r.organization ? `<small>${esc(r.organization)}</small>` : ""}<span class="pts">${esc(fmt(gettext("%(n)s 分"), { n: fmtScore(r.score) }))}</span><span class="step">${r.rank}</span></li>`).join("");
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
      $("answer").textContent = fmt(gettext("本题已截止　·　共 %(n)s 人作答"), { n: m.answered });
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
