// Proctor page: reload the roster every N seconds (data-proctor-refresh) while the tab is
// visible; the plain "刷新" link does the same by hand. Nothing here decides anything.
const box = document.querySelector("[data-proctor-refresh]");
if (box) {
  const seconds = Math.max(10, Number(box.dataset.proctorRefresh) || 30);
  let due = Date.now() + seconds * 1000;
  setInterval(() => {
    if (document.visibilityState !== "visible") return;
    if (document.activeElement && document.activeElement.closest("form")) return;
    if (Date.now() >= due) window.location.reload();
  }, 1000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") due = Math.min(due, Date.now() + 2000);
  });
}
