// The contestant's phone: join with the ticket, answer, see after each question whether it was
// right, the points and the current rank; at the end, the final rank and score and the podium.
import { fmt, gettext } from "../js/i18n.js";
import { REFUSED, boardRows, choicesOf, connect, countdown, esc, fmtScore } from "./client.js";

const $ = (id) => document.getElementById(id);
const root = $("play");
const KIND = { single: gettext("单选"), multiple: gettext("多选"), truefalse: gettext("判断"), fill: gettext("填空") };
const TEXT = {
  open: gettext("已连接"), closed: gettext("连接中断，正在重连…"), connecting: gettext("连接中…"), preview: gettext("预览（不计分）"),
  ack: gettext("已提交，答案已保存"), wait: gettext("正在提交…"), right: gettext("回答正确"), wrong: gettext("回答错误"), none: gettext("本题未作答"),
  closedQ: gettext("本题已截止，等待揭晓答案"),
};
const state = { question: null, closesAt: null, paused: false, remaining: null, myAnswer: null, selected: [], reveal: null, ended: false, standing: null, top: [] };
let client = null;

function show(id, on) { $(id).hidden = !on; }
function status(s, code) { $("status").dataset.status = s; $("status").textContent = s === "refused" ? REFUSED[code] : (TEXT[s] || s); }

function renderQuestion() {
  if (state.ended) { renderEnded(); return; }
  const q = state.question;
  show("question", !!q);
  show("lobby", !q);
  if (!q) return;
  $("q-kind").textContent = q.kind || KIND[q.qtype] || "";
  $("q-pos").textContent = fmt(gettext("第 %(n)s / %(total)s 题"), { n: q.position, total: q.total });
  $("q-stem").textContent = q.stem;
  const choices = choicesOf(q);
  const answered = !!state.myAnswer;
  const open = !answered && state.closesAt && client.now() < state.closesAt && !state.paused && !state.reveal && !client.preview;
  if (q.qtype === "fill") { renderBlanks(q, open); return; }
  state.fillFor = null;
  const mine = state.myAnswer ? [].concat(state.myAnswer.response) : state.selected;
  const key = state.reveal ? [].concat(state.reveal.answer) : null;
  $("q-options").innerHTML = choices.map((c, i) => {
    let cls = "";
    if (key) cls = key.includes(c.key) ? "right" : (mine.includes(c.key) ? "wrong" : "");
    const name = c.label ? `${c.label}. ${c.text}` : c.text;
    const label = c.label ? `<span class="opt-label" aria-hidden="true">${esc(c.label)}</span><span aria-hidden="true">${esc(c.text)}</span>` : esc(c.text);
    return `<li><button type="button" class="btn btn-ghost ${cls}" data-i="${i}" aria-label="${esc(name)}" aria-pressed="${mine.includes(c.key)}" ${open ? "" : "disabled"}>${label}</button></li>`;
  }).join("");
  $("q-options").querySelectorAll("button").forEach((b) => b.addEventListener("click", () => choose(choices[+b.dataset.i].key)));
  show("submit", open && q.qtype === "multiple");
  $("submit").disabled = !state.selected.length;
  $("q-explain").textContent = state.reveal ? state.reveal.explanation : "";
  if (!state.reveal) show("q-result", false);
}

// A fill-in question: one text box per blank. Drawn again only when the question or whether it
// can be answered changes, so typing is never interrupted by a message that re-renders.
function renderBlanks(q, open) {
  const drawn = `${q.id}:${open}:${!!state.reveal}`;
  if (state.fillFor !== drawn) {
    state.fillFor = drawn;
    const mine = state.myAnswer ? [].concat(state.myAnswer.response) : [];
    if (open && (!state.fill || state.fill.length !== (q.blanks || 1))) state.fill = Array(q.blanks || 1).fill("");
    const values = open ? state.fill : mine;
    $("q-options").innerHTML = Array.from({ length: q.blanks || 1 }, (_, i) =>
      `<li><label class="live-blank"><span>${esc(fmt(gettext("第 %(n)s 空"), { n: i + 1 }))}</span><input type="text" maxlength="200" autocomplete="off" data-i="${i}" value="${esc(values[i] || "")}" ${open ? "" : "disabled"}></label></li>`).join("");
    $("q-options").querySelectorAll("input").forEach((input) => input.addEventListener("input", () => {
      state.fill[+input.dataset.i] = input.value;
      $("submit").disabled = !state.fill.some((v) => v.trim());
    }));
  }
  show("submit", open);
  $("submit").disabled = !(state.fill || []).some((v) => v.trim());
  $("q-explain").textContent = state.reveal ? `${state.reveal.answer_text ? `${fmt(gettext("正确答案：%(key)s"), { key: state.reveal.answer_text })}　` : ""}${state.reveal.explanation || ""}` : "";
  if (!state.reveal) show("q-result", false);
}

// After the reveal: right or wrong, the points this question gave, and the current rank.
function renderResult(s) {
  const el = $("q-result");
  const kind = s.last_correct === true ? "right" : state.myAnswer ? "wrong" : "none";
  el.dataset.result = kind;
  const head = kind === "right" ? `${TEXT.right}　${fmt(gettext("+%(n)s 分"), { n: fmtScore(s.last_points ?? 0) })}` : kind === "wrong" ? `${TEXT.wrong}　${fmt(gettext("+%(n)s 分"), { n: 0 })}` : `${TEXT.none}　${fmt(gettext("+%(n)s 分"), { n: 0 })}`;
  el.innerHTML = `${esc(head)}<small>${esc(fmt(gettext("当前第 %(rank)s 名（共 %(total)s 人）· 总分 %(score)s"), { rank: s.rank, total: s.total, score: fmtScore(s.score) }))}</small>`;
  show("q-result", true);
  $("q-status").textContent = "";
}

function renderEnded() {
  ["question", "lobby", "join-card", "me"].forEach((id) => show(id, false));
  show("ended", true);
  const s = state.standing;
  show("ended-me", !!s);
  if (s) {
    $("ended-rank").textContent = fmt(gettext("第 %(n)s 名"), { n: s.rank });
    $("ended-total").textContent = fmt(gettext("共 %(n)s 人"), { n: s.total });
    $("ended-score").textContent = fmtScore(s.score);
    $("ended-correct").textContent = state.question ? fmt(gettext("答对 %(n)s / %(total)s 题"), { n: s.correct, total: state.question.total }) : fmt(gettext("答对 %(n)s 题"), { n: s.correct });
  }
  const medal = ["", gettext("冠军"), gettext("亚军"), gettext("季军")];
  $("ended-podium").innerHTML = state.top.slice(0, 3).map((r) => `<li><span class="medal">${medal[r.rank]}</span><span>${esc(r.name)}${r.organization ? `<small>${esc(r.organization)}</small>` : ""}</span><strong>${fmtScore(r.score)}</strong></li>`).join("");
}

function choose(key) {
  const q = state.question;
  if (q.qtype === "multiple") {
    state.selected = state.selected.includes(key) ? state.selected.filter((k) => k !== key) : [...state.selected, key];
    renderQuestion();
    return;
  }
  submit(key);
}

function submit(response) {
  const q = state.question;
  state.myAnswer = { answer_id: client.answer(q.id, response), response, acked: false };
  $("q-status").textContent = TEXT.wait;
  renderQuestion();
}
$("submit").addEventListener("click", () => {
  if (state.question && state.question.qtype === "fill") submit((state.fill || []).map((v) => v.trim()));
  else submit([...state.selected].sort());
});

function onMessage(m) {
  switch (m.type) {
    case "joined":
      show("join-card", false);
      sessionStorage.setItem(`live-join:${root.dataset.ws}`, JSON.stringify(client.join));
      break;
    case "error":
      if (["bad_ticket", "wrong_person", "kicked", "not_joined"].includes(m.code)) {
        $("join-error").textContent = m.message; show("join-error", true); show("join-card", true);
        client.join = null;
      } else if (m.answer_id && state.myAnswer && m.answer_id === state.myAnswer.answer_id) {
        $("q-status").textContent = m.message;
        if (m.code !== "already_answered") state.myAnswer = null;
        renderQuestion();
      }
      break;
    case "snapshot":
      state.question = m.question; state.closesAt = m.closes_at; state.paused = m.paused; state.remaining = m.remaining;
      state.reveal = m.reveal; state.selected = [];
      state.myAnswer = m.my_answer ? { ...m.my_answer, acked: true } : (state.myAnswer && state.question && state.myAnswer.question_id === state.question.id ? state.myAnswer : null);
      $("q-status").textContent = m.my_answer ? TEXT.ack : (m.state === "closed" ? TEXT.closedQ : "");
      state.ended = m.state === "ended";
      if (m.standing) standing(m.standing);
      else show("me", false); // a lobby before the first question: everyone is level, no rank yet
      board(m.leaderboard);
      $("frozen").hidden = !m.frozen;
      renderQuestion();
      if (state.reveal && m.standing && m.standing.last_correct !== null && !state.ended) renderResult(m.standing);
      break;
    case "question_open":
      Object.assign(state, { question: m.question, closesAt: m.closes_at, paused: false, myAnswer: null, selected: [], reveal: null, ended: false });
      $("q-status").textContent = ""; renderQuestion();
      break;
    case "ack":
      if (state.myAnswer) { state.myAnswer.acked = true; state.myAnswer.question_id = m.question_id; }
      $("q-status").textContent = TEXT.ack;
      break;
    case "question_closed":
      state.closesAt = Math.min(state.closesAt ?? m.closes_at, m.closes_at);
      if (!state.myAnswer) $("q-status").textContent = TEXT.closedQ;
      renderQuestion();
      break;
    case "reveal":
      state.reveal = m; renderQuestion();
      break;
    case "standing":
      standing(m);
      if (state.ended) renderEnded();
      else if (state.reveal && m.last_correct !== null) renderResult(m);
      break;
    case "leaderboard": board(m); if (state.ended) renderEnded(); break;
    case "round_state":
      state.paused = m.paused; state.remaining = m.remaining; if (m.closes_at) state.closesAt = m.closes_at;
      $("frozen").hidden = !m.frozen; show("paused", m.paused);
      if (m.state === "ended") state.ended = true;
      renderQuestion();
      break;
    case "bye":
      $("join-error").textContent = m.message; show("join-error", true);
      break;
  }
}

function standing(s) { state.standing = s; show("me", !state.ended); $("my-rank").textContent = fmt(gettext("第 %(rank)s 名（共 %(total)s 人）"), { rank: s.rank, total: s.total }); $("my-score").textContent = fmt(gettext("%(n)s 分"), { n: fmtScore(s.score) }); }
function board(b) { state.top = b.top; $("board").innerHTML = boardRows(b.top); $("frozen").hidden = !b.frozen; }

document.addEventListener("visibilitychange", () => {
  if (document.hidden && state.question && !state.reveal && client) client.send({ type: "signal", kind: "page_hidden", question_id: state.question.id });
});

function start(join) {
  client = connect(root.dataset.ws, { onMessage, onStatus: status, join });
  if (client.preview) show("join-card", false);
  countdown($("timer"), client, () => state);
}

$("join-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const join = { ticket: $("ticket").value.trim(), access_code: $("code").value.trim() };
  show("join-error", false);
  if (client) { client.join = join; client.send({ type: "join", ...join }); } else start(join);
});

const saved = sessionStorage.getItem(`live-join:${root.dataset.ws}`);
start(saved ? JSON.parse(saved) : null);
