// Progressive enhancements shared by every page; pages work without them.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
for (const el of document.querySelectorAll("[data-confirm]")) {
  el.addEventListener("click", (event) => {
    if (!window.confirm(el.dataset.confirm)) event.preventDefault();
  });
}
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
