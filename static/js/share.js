/*
 * 复制链接 on an article page (templates/articles/article_detail.html, .article-share).
 * Plain ES2017, no libraries, no inline handlers (strict CSP).
 *
 * The button copies the story's public URL (data-share-url) with the Clipboard API and says
 * so in a live region. Where the clipboard is unavailable (an insecure origin, a refused
 * permission) the URL is shown selected in a read-only field for the reader to copy.
 * 微信's QR code needs no script: it is a <details> element.
 */
(function () {
  "use strict";

  const COPIED = "链接已复制";
  const COPY_BY_HAND = "请按 Ctrl+C（苹果电脑按 ⌘+C）复制链接";

  function showFallback(box, status) {
    const field = box.querySelector(".share-url");
    field.hidden = false;
    field.focus();
    field.select();
    status.textContent = COPY_BY_HAND;
  }

  function announce(status, text) {
    // Clear first so the same message is announced again on a second click.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function init(box) {
    const button = box.querySelector("[data-share-url]");
    const status = box.querySelector("[data-share-status]");
    if (!button || !status) {
      return;
    }
    box.hidden = false;
    button.addEventListener("click", function () {
      const url = button.getAttribute("data-share-url");
      if (!navigator.clipboard || !window.isSecureContext) {
        showFallback(box, status);
        return;
      }
      navigator.clipboard.writeText(url).then(
        function () {
          announce(status, COPIED);
        },
        function () {
          showFallback(box, status);
        }
      );
    });
  }

  document.querySelectorAll("[data-share-copy]").forEach(init);
})();
