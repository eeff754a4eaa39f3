/*
 * Submission forms: plain ES2017, no libraries, no inline handlers (strict CSP).
 *
 * - Disables the submit button once a form is sent, so a double click sends it once
 *   (the server also refuses a second copy of the same form).
 * - Moves focus to the error summary after a failed submission.
 * - Warns at once about too many or too large files (the server checks again).
 */
(function () {
  "use strict";

  function formatMegabytes(bytes) {
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function checkFiles(input) {
    const maxFiles = Number(input.dataset.maxFiles || 0);
    const maxBytes = Number(input.dataset.maxBytes || 0);
    const problems = [];
    const files = Array.from(input.files || []);
    if (maxFiles && files.length > maxFiles) {
      problems.push("最多选择 " + maxFiles + " 个文件，您选择了 " + files.length + " 个。");
    }
    files.forEach(function (file) {
      if (maxBytes && file.size > maxBytes) {
        problems.push("“" + file.name + "”大小为 " + formatMegabytes(file.size) + "，超过了 " +
          formatMegabytes(maxBytes) + " 的上限。");
      }
    });
    let note = input.parentElement.querySelector(".file-check");
    if (!note) {
      note = document.createElement("p");
      note.className = "file-check";
      note.id = input.id + "_filecheck";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = problems.join(" ");
    return problems.length === 0;
  }

  document.querySelectorAll("[data-submission-form]").forEach(function (form) {
    const fileInputs = form.querySelectorAll('input[type="file"]');
    fileInputs.forEach(function (input) {
      input.addEventListener("change", function () {
        checkFiles(input);
      });
    });

    form.addEventListener("submit", function (event) {
      const filesOk = Array.from(fileInputs).every(checkFiles);
      if (!filesOk) {
        event.preventDefault();
        return;
      }
      if (form.dataset.submitting === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      form.querySelectorAll('button[type="submit"]').forEach(function (button) {
        button.dataset.originalLabel = button.textContent;
        button.textContent = button.dataset.submitLabel || button.textContent;
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    });
  });

  // Coming back with the back button restores the page from cache: make it usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("[data-submission-form]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll('button[type="submit"]').forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        if (button.dataset.originalLabel) {
          button.textContent = button.dataset.originalLabel;
        }
      });
    });
  });

  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
