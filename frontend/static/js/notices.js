// The header's notice bell: keeps its unread count current over the per-person socket
// (/ws/notifications/, accounts/consumers.py) and announces a new notice to screen readers.
// The page works without it: the count rendered by the server is right on every page load.
const bell = document.querySelector("[data-notice-bell]");

function setCount(count) {
  const badge = bell.querySelector("[data-notice-count]");
  const label = bell.querySelector("[data-notice-label]");
  badge.textContent = count > 99 ? "99+" : String(count);
  badge.hidden = count === 0;
  label.textContent = count === 0 ? bell.dataset.labelNone : bell.dataset.labelSome.replace("{n}", String(count));
  bell.dataset.unread = String(count);
}

function announce(text) {
  const live = document.querySelector("[data-notice-live]");
  if (!live) return;
  live.textContent = "";
  // A fresh text node after a tick, so the same title twice is read twice.
  setTimeout(() => { live.textContent = `${bell.dataset.labelNew} ${text}`; }, 50);
}

function connect(attempt) {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/ws/notifications/`);
  let welcomed = false;
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "hello") {
      welcomed = true;
      bell.dataset.live = "true"; // connected: counts now change without a reload
      if (typeof message.unread === "number") setCount(message.unread);
    } else if (message.type === "notice") {
      if (typeof message.unread === "number") setCount(message.unread);
      else setCount(Number(bell.dataset.unread || 0) + 1);
      bell.classList.remove("ring");
      void bell.offsetWidth; // restart the animation
      bell.classList.add("ring");
      announce(message.text);
    }
  };
  ws.onclose = (event) => {
    delete bell.dataset.live;
    if (event.code === 4401) return; // signed out: nothing to wait for
    const next = welcomed ? 0 : attempt + 1;
    const delay = Math.min(30000, 1000 * 2 ** next) * (0.5 + Math.random());
    setTimeout(() => connect(next), delay);
  };
}

if (bell && "WebSocket" in window) connect(0);
