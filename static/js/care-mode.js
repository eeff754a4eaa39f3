/*
 * 关怀模式 (elder-friendly mode), applied before the first paint.
 *
 * Loaded WITHOUT defer in <head> so the stored choice is on <html> before the page is drawn
 * (pages come from a shared cache, so the state can only live in the reader's browser).
 * Keep this file tiny: it blocks rendering. The toggle itself lives in site.js.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  // Marks that scripts run, so controls that need JavaScript (the toggle) may be shown.
  root.classList.add("js");
  // And that the browser can speak, so 朗读 (site.js) takes its place before the first paint.
  if (window.speechSynthesis && typeof window.SpeechSynthesisUtterance === "function") {
    root.classList.add("speech");
  }
  try {
    if (window.localStorage.getItem("newsportal.careMode") === "on") {
      root.classList.add("care-mode");
    }
  } catch (error) {
    // Storage unavailable (privacy modes): the page simply starts in the normal mode.
  }
})();
