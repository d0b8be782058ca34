// A button that prints the page: <button type="button" data-print>. (No inline handler: the
// Content-Security-Policy allows scripts from the portal's own files only.)
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
