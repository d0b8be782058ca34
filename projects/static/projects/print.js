// The receipt's "Print or save as PDF" button: the browser's print dialog (print stylesheet in base).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
