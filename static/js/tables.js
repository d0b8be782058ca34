/* A wide table scrolls inside its own box (.table-responsive): where it does, the box can be reached
   and scrolled with the keyboard (a focusable region named by the table's caption). */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        var name = (caption && caption.textContent.trim()) || box.getAttribute("data-label") || document.title;
        box.setAttribute("aria-label", name);
      } else if (!scrolls && box.getAttribute("role") === "region" && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark); else mark();
  window.addEventListener("resize", mark);
})();
