// Public spectator board: polls the published leaderboard.
const table = document.getElementById("board");
const body = table.querySelector("tbody");
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
async function refresh() {
  try {
    const res = await fetch(table.dataset.url, { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const data = await res.json();
    document.getElementById("frozen").hidden = !data.frozen;
    body.innerHTML = data.top.map((r) => `<tr><td>${r.rank}</td><td>${esc(r.name)}</td><td>${esc(r.organization)}</td><td>${r.score}</td></tr>`).join("");
  } catch (e) { /* offline for a moment: the next poll catches up */ }
}
setInterval(refresh, 5000);
