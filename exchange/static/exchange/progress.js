// Live progress of an import or export job: polls the job's JSON status and reloads the page
// (which then shows the row report or the download) when the job has finished.
const box = document.getElementById("job-progress");
if (box) {
  const url = box.dataset.statusUrl;
  const bar = box.querySelector(".progress");
  const fill = bar.querySelector("span");
  const labels = {};
  const tpl = document.getElementById("stage-labels");
  if (tpl) {
    for (const el of tpl.content.querySelectorAll("[data-stage]")) labels[el.dataset.stage] = el.textContent;
  }
  const set = (sel, value) => { const el = box.querySelector(sel); if (el) el.textContent = value; };
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const s = await response.json();
        fill.style.width = `${s.percent}%`;
        bar.setAttribute("aria-valuenow", String(s.percent));
        set("[data-processed]", s.processed);
        set("[data-total]", s.total);
        set("[data-percent]", s.percent);
        if (labels[s.stage]) set("[data-stage-label]", labels[s.stage]);
        const badge = document.getElementById("job-status");
        if (badge) badge.textContent = s.status_label;
        if (s.finished) { window.location.reload(); return; }
      }
    } catch (error) {
      // A dropped request is retried on the next tick; the job state lives on the server.
    }
    window.setTimeout(tick, 800);
  };
  window.setTimeout(tick, 400);
}
