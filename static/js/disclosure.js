/* A <details> marked data-open-wide (the portfolio's filters) is folded on a phone, where a person
   opens it, and open on a wide screen, where there is room for it beside the content. */
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) { details.open = true; });
  }
})();
