import { LiveClient, LETTERS, REFUSED, boardRows, countdown, esc } from "./client.js";

const $ = (id) => document.getElementById(id);
const root = $("play");
const TEXT = {
  open: "已连接", closed: "连接中断，正在重连…", connecting: "连接中…",
  ack: "已提交，答案已保存", wait: "正在提交…", right: "回答正确", wrong: "回答错误", none: "本题未作答",
  closedQ: "本题已截止，等待揭晓答案",
};
const state = { question: null, closesAt: null, paused: false, remaining: null, myAnswer: null, selected: [], reveal: null };
let client = null;

function show(id, on) { $(id).hidden = !on; }
function status(s, code) { $("status").dataset.status = s; $("status").textContent = s === "refused" ? REFUSED[code] : (TEXT[s] || s); }

function renderQuestion() {
  const q = state.question;
  show("question", !!q);
  show("lobby", !q);
  if (!q) return;
  $("q-pos").textContent = `第 ${q.position} / ${q.total} 题`;
  $("q-stem").textContent = q.stem;
  const options = q.qtype === "truefalse" ? ["正确", "错误"] : q.options;
  const keys = q.qtype === "truefalse" ? [true, false] : options.map((_, i) => LETTERS[i]);
  const answered = !!state.myAnswer;
  const open = !answered && state.closesAt && client.now() < state.closesAt && !state.paused && !state.reveal;
  const mine = state.myAnswer ? [].concat(state.myAnswer.response) : state.selected;
  const key = state.reveal ? [].concat(state.reveal.answer) : null;
  $("q-options").innerHTML = options.map((text, i) => {
    const k = keys[i];
    let cls = "";
    if (key) cls = key.includes(k) ? "right" : (mine.includes(k) ? "wrong" : "");
    const label = q.qtype === "truefalse" ? esc(text) : `${LETTERS[i]}. ${esc(text)}`;
    return `<li><button type="button" class="btn btn-ghost ${cls}" data-i="${i}" aria-pressed="${mine.includes(k)}" ${open ? "" : "disabled"}>${label}</button></li>`;
  }).join("");
  $("q-options").querySelectorAll("button").forEach((b) => b.addEventListener("click", () => choose(keys[+b.dataset.i])));
  show("submit", open && q.qtype === "multiple");
  $("submit").disabled = !state.selected.length;
  $("q-explain").textContent = state.reveal ? state.reveal.explanation : "";
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
$("submit").addEventListener("click", () => submit([...state.selected].sort()));

function onMessage(m) {
  switch (m.type) {
    case "joined":
      show("join-card", false); show("me", true);
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
      if (m.standing) standing(m.standing);
      board(m.leaderboard);
      renderQuestion();
      break;
    case "question_open":
      Object.assign(state, { question: m.question, closesAt: m.closes_at, paused: false, myAnswer: null, selected: [], reveal: null });
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
      if (state.reveal) $("q-status").textContent = m.last_correct === true ? `${TEXT.right} +${m.last_points}` : (state.myAnswer ? TEXT.wrong : TEXT.none);
      break;
    case "leaderboard": board(m); break;
    case "round_state":
      state.paused = m.paused; state.remaining = m.remaining; if (m.closes_at) state.closesAt = m.closes_at;
      $("frozen").hidden = !m.frozen; show("paused", m.paused);
      if (m.state === "ended") $("q-status").textContent = "比赛已结束，感谢参与！";
      renderQuestion();
      break;
    case "bye":
      $("join-error").textContent = m.message; show("join-error", true);
      break;
  }
}

function standing(s) { $("my-rank").textContent = `第 ${s.rank} 名（共 ${s.total} 人）`; $("my-score").textContent = `${s.score} 分`; }
function board(b) { $("board").innerHTML = boardRows(b.top); $("frozen").hidden = !b.frozen; }

document.addEventListener("visibilitychange", () => {
  if (document.hidden && state.question && !state.reveal && client) client.send({ type: "signal", kind: "page_hidden", question_id: state.question.id });
});

function start(join) {
  client = new LiveClient(root.dataset.ws, { onMessage, onStatus: status, join });
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
