// The editor's image page: hands the uploaded (or chosen) image back to the editor's image dialog
// that opened it (django-prose-editor's picker protocol), then closes.
(function () {
  var el = document.getElementById("tsf-chosen-image");
  if (!el || !window.opener || !el.dataset.func) return;
  try {
    window.opener.CKEDITOR.tools.callFunction(
      Number(el.dataset.func), el.dataset.url, {id: el.dataset.id, alternative_text: el.dataset.alt, caption: ""}
    );
    window.close();
  } catch (e) { /* the editor is gone: the address stays on the page */ }
})();
