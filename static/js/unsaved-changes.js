// Warn before leaving an admin form with changes that were not saved: the article form, the
// submission processing form, the image form. Loaded as a ModelAdmin Media file (no inline
// script under the CSP). The browser shows its own generic text in the dialog.
//
// A form is dirty when its values differ from those it was loaded with. Fields are read on
// every `input` and `change` event; the rich-text editor writes its HTML into the body's
// textarea and fires `input` on it, and the widgets that use jQuery (autocomplete, related
// object popups) fire jQuery's `change`, which is listened to as well. A form that came back
// with errors holds text that was never saved, so it starts dirty.
(function () {
  "use strict";

  const FORMS = '#content-main form[method="post" i]:not(#changelist-form):not([data-unsaved-ignore])';
  const tracked = new Map(); // form -> {initial, dirty}
  let submitting = null; // the form being submitted: leaving through it is not losing it

  function state(form) {
    const parts = [];
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken") continue;
      const text = typeof value === "string" ? value : `file:${value.name}:${value.size}`;
      parts.push(`${name}=${text}`);
    }
    return parts.join("\u0000");
  }

  function anyDirty() {
    for (const [form, entry] of tracked) {
      if (form !== submitting && form.isConnected && entry.dirty) return true;
    }
    return false;
  }

  function onBeforeUnload(event) {
    if (!anyDirty()) return undefined;
    event.preventDefault();
    event.returnValue = ""; // older Chromium needs it set to show the dialog
    return "";
  }

  let listening = false;
  function sync() {
    const want = anyDirty();
    if (want && !listening) window.addEventListener("beforeunload", onBeforeUnload);
    if (!want && listening) window.removeEventListener("beforeunload", onBeforeUnload);
    listening = want;
  }

  function check(form) {
    const entry = tracked.get(form);
    if (!entry) return;
    entry.dirty = entry.startsDirty || state(form) !== entry.initial;
    sync();
  }

  function track(form) {
    const entry = {
      initial: state(form),
      startsDirty: Boolean(form.querySelector(".errornote, .errorlist")),
      dirty: false,
    };
    tracked.set(form, entry);
    const onEdit = () => check(form);
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    const jq = window.django && window.django.jQuery;
    if (jq) jq(form).on("change select2:select select2:unselect", onEdit);
    form.addEventListener("submit", (event) => {
      // The page unloads right after this event: clear now, and take it back if another
      // handler cancelled the submission (the form is still here, and still unsaved).
      submitting = form;
      window.setTimeout(() => {
        if (event.defaultPrevented && submitting === form) submitting = null;
        sync();
      }, 0);
    });
    check(form);
  }

  function init() {
    document.querySelectorAll(FORMS).forEach(track);
  }

  // Coming back from the browser's cache after a submit: the page is live again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      submitting = null;
      sync();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
