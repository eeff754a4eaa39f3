// Buttons that carry data-confirm ask before they submit (下线, 恢复此版本 …).
// Loaded as an admin Media file: the site's Content Security Policy allows no inline script.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
