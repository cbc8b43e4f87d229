// Progressive enhancements shared by every page; pages work without them.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
// A print button (no inline onclick: the Content-Security-Policy allows no inline handlers).
for (const el of document.querySelectorAll("button[data-print]")) {
  el.addEventListener("click", () => window.print());
}
for (const el of document.querySelectorAll("[data-confirm]")) {
  el.addEventListener("click", (event) => {
    if (!window.confirm(el.dataset.confirm)) event.preventDefault();
  });
}
// The header's 管理 menu is a native <details>; Escape and a click elsewhere close it.
const navMenus = [...document.querySelectorAll("details.nav-menu")];
document.addEventListener("keydown", (event) => {
  const open = navMenus.find((menu) => menu.open);
  if (event.key === "Escape" && open) {
    open.open = false;
    open.querySelector("summary").focus();
    event.stopImmediatePropagation();
  }
});
document.addEventListener("click", (event) => {
  for (const menu of navMenus) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  }
});
const navButton = document.querySelector(".nav-button");
const nav = document.getElementById("site-nav");
if (navButton && nav) {
  navButton.hidden = false;
  navButton.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    navButton.setAttribute("aria-expanded", String(open));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      navButton.setAttribute("aria-expanded", "false");
      navButton.focus();
    }
  });
}
// On a desktop-wide screen the menu sits in one row beside the logo. Where it cannot (longer
// English labels, a role with many entries), the header keeps the menu button instead of
// wrapping into two rows: app.css lays out a `.compact` header as on a phone.
const header = document.querySelector(".site-header");
if (header && nav) {
  const desktop = window.matchMedia("(min-width: 960px)");
  const fit = () => {
    header.classList.remove("compact");
    if (!desktop.matches) return;
    const account = nav.querySelector(".nav-account");
    const items = [...nav.querySelectorAll(":scope > ul > li"), account].filter(Boolean);
    const top = items.length ? items[0].getBoundingClientRect().top : 0;
    const wrapped = items.some((item) => Math.abs(item.getBoundingClientRect().top - top) > 8);
    const stacked = account && account.getBoundingClientRect().height > 48;
    if (wrapped || stacked) header.classList.add("compact");
  };
  let pending = false;
  window.addEventListener("resize", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fit();
    });
  });
  fit();
}
// A region that scrolls sideways (a wide table, a code block) takes keyboard focus, so people
// without a mouse can scroll it with the arrow keys (WCAG 2.1.1); one that fits stays out of the
// tab order. Checked again when the window is resized.
const scrollers = [...document.querySelectorAll(".table-wrap, pre")];
if (scrollers.length) {
  const reach = () => {
    for (const el of scrollers) {
      if (el.scrollWidth > el.clientWidth + 1) {
        if (!el.hasAttribute("tabindex")) {
          el.tabIndex = 0;
          el.dataset.scrollFocus = "";
        }
      } else if ("scrollFocus" in el.dataset) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollFocus;
      }
    }
  };
  let queued = false;
  window.addEventListener("resize", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      reach();
    });
  });
  reach();
}
