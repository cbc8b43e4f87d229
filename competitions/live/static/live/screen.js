import { LETTERS, LiveClient, boardRows, countdown, esc } from "./client.js";
import { distributionSvg } from "./charts.js";

const $ = (id) => document.getElementById(id);
const state = { closesAt: null, paused: false, remaining: null };
const client = new LiveClient($("screen").dataset.ws, { onMessage });
countdown($("timer"), client, () => state);

function question(q) {
  $("q-pos").textContent = q ? `第 ${q.position} / ${q.total} 题` : "";
  $("q-stem").textContent = q ? q.stem : "比赛即将开始";
  $("q-options").innerHTML = q ? q.options.map((o, i) => `<li>${LETTERS[i]}. ${esc(o)}</li>`).join("") : "";
}

// Animated top-10: rows slide from their previous position to the new one (FLIP).
function board(top, frozen) {
  const list = $("board");
  const before = new Map([...list.children].map((li) => [li.dataset.id, li.getBoundingClientRect().top]));
  list.innerHTML = boardRows(top);
  [...list.children].forEach((li, i) => {
    li.dataset.id = top[i].participant_id;
    const old = before.get(String(top[i].participant_id));
    if (old != null) {
      const dy = old - li.getBoundingClientRect().top;
      li.style.transition = "none"; li.style.transform = `translateY(${dy}px)`;
      requestAnimationFrame(() => { li.style.transition = ""; li.style.transform = ""; });
    }
  });
  $("frozen").hidden = !frozen;
}

function onMessage(m) {
  switch (m.type) {
    case "snapshot":
      question(m.question); board(m.leaderboard.top, m.frozen);
      Object.assign(state, { closesAt: m.state === "question" ? m.closes_at : null, paused: m.paused, remaining: m.remaining });
      if (m.reveal) $("dist").innerHTML = distributionSvg(m.reveal.distribution, [].concat(m.reveal.answer));
      break;
    case "question_open": question(m.question); state.closesAt = m.closes_at; state.paused = false; $("dist").innerHTML = ""; $("answer").textContent = ""; break;
    case "question_closed": state.closesAt = null; break;
    case "reveal":
      $("dist").innerHTML = distributionSvg(m.distribution, [].concat(m.answer));
      $("answer").textContent = `正确答案：${[].concat(m.answer).map((a) => (a === true ? "正确" : a === false ? "错误" : a)).join("、")}　答对 ${m.correct_count} / ${m.answered} 人`;
      break;
    case "leaderboard": board(m.top, m.frozen); break;
    case "round_state": state.paused = m.paused; state.remaining = m.remaining; state.closesAt = m.state === "question" ? m.closes_at : null; $("frozen").hidden = !m.frozen; break;
  }
}
