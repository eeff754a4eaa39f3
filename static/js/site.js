/*
 * newsportal public site behaviour. Plain ES2017, no libraries, no inline handlers:
 * the page is served under a strict CSP (script-src 'self' + nonce, style-src 'self').
 *
 * - Article font size switch ([data-font-size] buttons acting on [data-article-body]),
 *   remembered in localStorage under "newsportal.fontSize".
 * - Print button ([data-action="print"]).
 * - View counter ([data-view-beacon]): counts the view and shows the current total.
 * - 关怀模式 toggle ([data-care-toggle]); static/js/care-mode.js applies it before first paint.
 * - 朗读 ([data-read-aloud]): reads the article aloud where the browser has speech synthesis.
 *
 * Loaded with `defer` (base.html): the document is parsed when it runs, so each part starts at once.
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

  init();
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

  countView();
})();

/*
 * 关怀模式 (elder-friendly mode). Pages are the same for every reader (shared page cache), so the
 * choice lives in the reader's browser: localStorage "newsportal.careMode" and html.care-mode,
 * which static/js/care-mode.js sets before the first paint. The stylesheet does the rest.
 */
(function () {
  "use strict";

  const STORAGE_KEY = "newsportal.careMode";
  const CLASS_NAME = "care-mode";
  const root = document.documentElement;

  function isOn() {
    return root.classList.contains(CLASS_NAME);
  }

  function showState() {
    const on = isOn();
    document.querySelectorAll("button[data-care-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "退出关怀模式" : "关怀模式";
    });
  }

  function setCareMode(on) {
    root.classList.toggle(CLASS_NAME, on);
    try {
      if (on) {
        window.localStorage.setItem(STORAGE_KEY, "on");
      } else {
        window.localStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      // Not remembered; the mode still applies to this page.
    }
    showState();
  }

  function init() {
    showState();
    document.addEventListener("click", function (event) {
      const button = event.target instanceof Element ? event.target.closest("button[data-care-toggle]") : null;
      if (button) {
        setCareMode(!isOn());
      }
    });
    // Another tab switched the mode: follow it.
    window.addEventListener("storage", function (event) {
      if (event.key === STORAGE_KEY) {
        root.classList.toggle(CLASS_NAME, event.newValue === "on");
        showState();
      }
    });
  }

  init();
})();

/*
 * 朗读 (read aloud) of an article through the browser's speech synthesis, in zh-CN. The control
 * is shown by site.css only where care-mode.js found speech synthesis (html.speech). One button
 * cycles 朗读 → 暂停 → 继续; 停止 appears while reading; a status region tells screen-reader users
 * what happened. The text goes out sentence by sentence: Chromium drops very long utterances.
 */
(function () {
  "use strict";

  const MAX_CHUNK = 160;
  const LABELS = { idle: "朗读", speaking: "暂停", paused: "继续" };

  function splitText(text) {
    const chunks = [];
    text.split(/\n+/).forEach(function (line) {
      const sentences = line.trim().match(/[^。！？!?；;]+[。！？!?；;]*/g) || [];
      let current = "";
      sentences.forEach(function (sentence) {
        if (current && (current + sentence).length > MAX_CHUNK) {
          chunks.push(current);
          current = "";
        }
        current += sentence;
        while (current.length > MAX_CHUNK) {
          chunks.push(current.slice(0, MAX_CHUNK));
          current = current.slice(MAX_CHUNK);
        }
      });
      if (current.trim()) {
        chunks.push(current);
      }
    });
    return chunks;
  }

  function chineseVoice(synth) {
    const voices = typeof synth.getVoices === "function" ? synth.getVoices() || [] : [];
    return (
      voices.find(function (voice) {
        return /^zh[-_]CN/i.test(voice.lang);
      }) ||
      voices.find(function (voice) {
        return /^zh/i.test(voice.lang);
      }) ||
      null
    );
  }

  function init() {
    const synth = window.speechSynthesis;
    const box = document.querySelector("[data-read-aloud]");
    if (!box || !synth || typeof window.SpeechSynthesisUtterance !== "function") {
      return;
    }
    const article = box.closest("article") || document;
    const title = article.querySelector("h1");
    const body = article.querySelector("[data-article-body]");
    const main = box.querySelector("[data-read-aloud-main]");
    const stop = box.querySelector("[data-read-aloud-stop]");
    const status = box.querySelector("[data-read-aloud-status]");
    if (!body || !main || !stop || !status) {
      return;
    }
    let state = "idle";
    let run = 0; // bumped on every start and stop, so callbacks of an old reading are ignored

    function setState(next, message) {
      state = next;
      main.textContent = LABELS[next];
      stop.hidden = next === "idle";
      status.textContent = message;
    }

    function start() {
      synth.cancel();
      run += 1;
      const thisRun = run;
      const chunks = splitText((title ? title.textContent + "\n" : "") + body.innerText);
      const voice = chineseVoice(synth);
      chunks.forEach(function (text, index) {
        const utterance = new window.SpeechSynthesisUtterance(text);
        utterance.lang = "zh-CN";
        if (voice) {
          utterance.voice = voice;
        }
        if (index === chunks.length - 1) {
          utterance.addEventListener("end", function () {
            if (thisRun === run) {
              setState("idle", "朗读结束");
            }
          });
        }
        utterance.addEventListener("error", function (event) {
          if (thisRun === run && event.error !== "interrupted" && event.error !== "canceled") {
            run += 1;
            synth.cancel();
            setState("idle", "无法朗读，已停止");
          }
        });
        synth.speak(utterance);
      });
      setState("speaking", "正在朗读");
    }

    main.addEventListener("click", function () {
      if (state === "idle") {
        start();
      } else if (state === "speaking") {
        synth.pause();
        setState("paused", "已暂停朗读");
      } else {
        synth.resume();
        setState("speaking", "继续朗读");
      }
    });

    stop.addEventListener("click", function () {
      run += 1;
      synth.cancel();
      setState("idle", "已停止朗读");
      main.focus(); // the 停止 button disappears; keep the keyboard user in place
    });

    // Speech outlives the page in some browsers; leaving the article ends it.
    window.addEventListener("pagehide", function () {
      synth.cancel();
    });
  }

  init();
})();

