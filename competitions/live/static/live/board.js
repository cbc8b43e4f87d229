// Public spectator board: polls the round's state and published leaderboard; the 已封榜 badge
// follows the round, and after the end the top five's score over time is drawn.
import { fmt, gettext } from "../js/i18n.js";
import { esc, fmtScore } from "./client.js";
import { lineChart } from "./charts.js";

const root = document.getElementById("public-board");
const body = document.querySelector("#board tbody");
const EMPTY = body.querySelector("td[colspan]") ? body.innerHTML : "";

function chart(history) {
  const card = document.getElementById("chart-card");
  card.hidden = !history;
  const el = document.getElementById("chart");
  if (history) el.innerHTML = lineChart(history, el.clientWidth);
}

async function refresh() {
  try {
    const res = await fetch(root.dataset.url, { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const data = await res.json();
    const board = data.leaderboard;
    document.getElementById("frozen").hidden = !board.frozen;
    body.innerHTML = board.top.length
      ? board.top.map((r) => `<tr><td>${r.rank}</td><td>${esc(r.name)}</td><td>${esc(r.organization)}</td><td>${fmtScore(r.score)}</td></tr>`).join("")
      : EMPTY;
    if (data.state === "ended" && root.dataset.state !== "ended") {
      root.dataset.state = "ended";
      document.getElementById("board-note").textContent = gettext("本场已结束，以下为最终成绩");
    }
    chart(data.history);
    if (data.state === "ended") clearInterval(timer); // final: nothing moves any more
  } catch (e) { /* offline for a moment: the next poll catches up */ }
}

const initial = document.getElementById("board-history");
if (initial) chart(JSON.parse(initial.textContent));
const timer = root.dataset.state === "ended" ? null : setInterval(refresh, 5000);
