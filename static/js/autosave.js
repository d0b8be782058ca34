// Autosave while typing: <form data-autosave data-unsaved-warn="..."> with, inside it, an element
// [data-autosave-status] (aria-live="polite") carrying data-offline="<text>". A few seconds after
// the last keystroke the form is posted as a draft (header X-TSF-Autosave: 1; a file chosen is sent once),
// unless nothing changed since the last save. The server answers JSON (tsf.core.versioning):
// "saved" (the message "Salvato alle 21:14" and the new revision, put in the form so the next save
// passes the conflict check; for a formset, the ids of the rows it created or deleted), "conflict" (the message; autosave stops, the page must be reloaded
// or saved by hand) or "invalid" (tried again after the next change).
(function () {
  "use strict";
  var DELAY = 3000;

  // A file chosen is sent once (the server keeps it: tsf.core.keptuploads, and saves it with its
  // row); the person's own save sends it again, as the browser does.
  function payload(form) {
    var data = new FormData(form);
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      var file = input.files && input.files[0];
      if (input.name && (!file || input.tsfSentFile === file)) { data.delete(input.name); }
    });
    return data;
  }

  function markFilesSent(form) {
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      if (input.files && input.files[0]) { input.tsfSentFile = input.files[0]; }
    });
  }

  function key(form) {
    return window.tsfUnsaved ? window.tsfUnsaved.snapshot(form) : "";
  }

  function textOf(html) {
    var box = document.createElement("div");
    box.innerHTML = html;
    return box.textContent || "";
  }

  // A formset's rows after a save: a new row gets the id it was saved with (sent again, it changes
  // that row instead of adding one more); a deleted row loses its id and is hidden.
  function applyRows(form, rows) {
    Object.keys(rows).forEach(function (name) {
      var input = form.querySelector("input[name='" + name.replace(/'/g, "") + "']");
      if (!input) { return; }
      input.value = rows[name];
      if (rows[name] === "") {
        var row = input.closest("tr, [data-formset-row], [data-expense-row]");
        if (row) { row.hidden = true; }
      }
    });
  }

  function setup(form) {
    var status = form.querySelector("[data-autosave-status]");
    var delay = parseInt(form.getAttribute("data-autosave"), 10) || DELAY;
    var timer = null;
    var busy = false;
    var again = false;
    var stopped = false;
    var lastSent = key(form);

    function show(text) {
      if (status) { status.textContent = text; }
    }

    function save() {
      timer = null;
      if (stopped) { return; }
      if (busy) { again = true; return; }
      var current = key(form);
      if (current === lastSent) { return; }
      busy = true;
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: payload(form),
        credentials: "same-origin",
        headers: { "X-TSF-Autosave": "1", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return data; });
      }).then(function (data) {
        lastSent = current;
        if (data.status === "saved") {
          var revision = form.querySelector("input[data-edit-revision]");
          if (revision && data.revision !== null && data.revision !== undefined) { revision.value = data.revision; }
          var unchanged = key(form) === current;
          if (unchanged) { markFilesSent(form); }
          applyRows(form, data.rows || {});
          if (unchanged) {
            lastSent = key(form);
            if (window.tsfUnsaved) { window.tsfUnsaved.markSaved(form); }
          }
          show(data.message);
        } else if (data.status === "conflict") {
          stopped = true;
          show(textOf(data.message));
          if (status) { status.classList.add("text-danger"); }
        } else {
          show(data.message || "");
        }
      }).catch(function () {
        show(status ? status.getAttribute("data-offline") || "" : "");
      }).then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
    }

    function schedule() {
      if (stopped) { return; }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, delay);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () {
      stopped = true;
      if (timer) { window.clearTimeout(timer); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), setup);
})();
