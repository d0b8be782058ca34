// Leaving a page with unsaved changes asks first. Opt in with <form data-unsaved-warn="Italian text">:
// the browser asks before leaving (a link, "Indietro", the back button, closing the tab) when the
// form differs from what the page showed, or when the page came back with errors (what was typed
// is not saved yet). Submitting the form does not ask. autosave.js calls tsfUnsaved.markSaved(form).
(function () {
  "use strict";
  var SKIP = { csrfmiddlewaretoken: true, edit_revision: true };

  function snapshot(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      var bare = name.replace(/^.*-/, "");
      if (SKIP[name] || SKIP[bare] || /-kept$/.test(name)) { return; }
      parts.push(name + "=" + (typeof value === "string" ? value : (value && value.name) || ""));
    });
    return parts.join("&");
  }

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-unsaved-warn]"));
  forms.forEach(function (form) {
    form.tsfInitial = snapshot(form);
    // Back with errors: what was typed has not been saved.
    form.tsfUnsavedFromStart = !!form.querySelector(".is-invalid, .alert-danger, [data-unsaved-pending]");
  });

  function isDirty(form) {
    return !form.tsfSubmitting && (form.tsfUnsavedFromStart || snapshot(form) !== form.tsfInitial);
  }

  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented && event.target.hasAttribute("data-unsaved-warn")) {
      event.target.tsfSubmitting = true;
    }
  });

  window.addEventListener("pageshow", function () {
    forms.forEach(function (form) { form.tsfSubmitting = false; });
  });

  window.addEventListener("beforeunload", function (event) {
    var dirty = forms.filter(isDirty);
    if (!dirty.length) { return; }
    event.preventDefault();
    event.returnValue = dirty[0].getAttribute("data-unsaved-warn") || "";
    return event.returnValue;
  });

  window.tsfUnsaved = {
    snapshot: snapshot,
    isDirty: isDirty,
    markSaved: function (form) {
      form.tsfInitial = snapshot(form);
      form.tsfUnsavedFromStart = false;
    }
  };
})();
