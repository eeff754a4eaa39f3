/*
 * newsportal public site behaviour. Plain ES2017, no libraries, no inline handlers:
 * the page is served under a strict CSP (script-src 'self' + nonce, style-src 'self').
 *
 * - Article font size switch ([data-font-size] buttons acting on [data-article-body]),
 *   remembered in localStorage under "newsportal.fontSize".
 * - Print button ([data-action="print"]).
 * - View counter ([data-view-beacon]): counts the view and shows the current total.
 */
(function () {
  "use strict";

  const STORAGE_KEY = "newsportal.fontSize";
  const SIZES = ["large", "medium", "small"];
  const DEFAULT_SIZE = "medium";

  // localStorage can throw (privacy modes, disabled storage); never let that break the page.
  function readStoredSize() {
    try {
      const value = window.localStorage.getItem(STORAGE_KEY);
      return SIZES.includes(value) ? value : null;
    } catch (error) {
      return null;
    }
  }

  function storeSize(size) {
    try {
      window.localStorage.setItem(STORAGE_KEY, size);
    } catch (error) {
      // Not persisted; the choice still applies to this page.
    }
  }

  function applySize(size) {
    if (!SIZES.includes(size)) {
      size = DEFAULT_SIZE;
    }
    document.querySelectorAll("[data-article-body]").forEach(function (body) {
      SIZES.forEach(function (name) {
        body.classList.toggle("font-" + name, name === size);
      });
    });
    document.querySelectorAll("button[data-font-size]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.fontSize === size ? "true" : "false");
    });
  }

  function init() {
    // The tools only work with JavaScript, so they start hidden and are revealed here.
    document.querySelectorAll("[data-article-tools]").forEach(function (tools) {
      tools.hidden = false;
    });

    if (document.querySelector("[data-article-body]")) {
      applySize(readStoredSize() || DEFAULT_SIZE);
    }

    document.addEventListener("click", function (event) {
      const target = event.target instanceof Element ? event.target : null;
      if (!target) {
        return;
      }

      const sizeButton = target.closest("button[data-font-size]");
      if (sizeButton) {
        const size = sizeButton.dataset.fontSize;
        if (SIZES.includes(size)) {
          applySize(size);
          storeSize(size);
        }
        return;
      }

      const printButton = target.closest('[data-action="print"]');
      if (printButton) {
        event.preventDefault();
        window.print();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/*
 * View counter (浏览次数). An article page marks the element showing its count with
 * data-view-beacon="<url>". The HTML may come from a page cache where no server code runs, so
 * the page itself posts once to that URL (articles.reading.view_beacon), which counts the view
 * and answers {"views": N}: the current total, shown in [data-view-count].
 */
(function () {
  "use strict";

  function countView() {
    const counter = document.querySelector("[data-view-beacon]");
    if (!counter || typeof window.fetch !== "function") {
      return;
    }
    window
      .fetch(counter.dataset.viewBeacon, {
        method: "POST",
        credentials: "omit", // the count needs no cookie, and the page may be shared
        keepalive: true, // still sent when the reader leaves at once
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        const output = counter.querySelector("[data-view-count]");
        if (output && data && Number.isInteger(data.views)) {
          output.textContent = String(data.views);
        }
      })
      .catch(function () {
        // A lost beacon costs one view in the count, never an error on the page.
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", countView);
  } else {
    countView();
  }
})();
