/* The time left to a deadline ("chiude tra 2 giorni e 3 ore"), kept up to date once a minute.
   The element carries the deadline as ISO 8601 with its offset (data-deadline), the sentence around
   the time left (data-template, "{}" where the time goes) and the text once closed (data-closed), in
   the page's language; the units are named by the browser's Intl in that language. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "it";
  function unit(n, name) {
    try {
      return new Intl.NumberFormat(lang, {style: "unit", unit: name, unitDisplay: "long"}).format(n);
    } catch (e) {
      return n + " " + name + (n === 1 ? "" : "s");
    }
  }
  function both(parts) {
    if (parts.length < 2) return parts.join("");
    try { return new Intl.ListFormat(lang, {style: "long", type: "conjunction"}).format(parts); }
    catch (e) { return parts.join(", "); }
  }
  function left(ms) {
    var minutes = Math.floor(ms / 60000), days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days > 0) return both(hours ? [unit(days, "day"), unit(hours, "hour")] : [unit(days, "day")]);
    if (hours > 0) return both(mins ? [unit(hours, "hour"), unit(mins, "minute")] : [unit(hours, "hour")]);
    return unit(Math.max(mins, 1), "minute");
  }
  function update() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(deadline)) return;
      var ms = deadline - Date.now();
      var text = ms <= 0 ? el.getAttribute("data-closed") : el.getAttribute("data-template").replace("{}", left(ms));
      if (el.textContent !== text) el.textContent = text;
    });
  }
  function start() {
    if (!document.querySelector("[data-countdown]")) return;
    update();
    setInterval(update, 60000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
