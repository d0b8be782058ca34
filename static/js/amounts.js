// Amounts typed the way the page's language writes them ("80.000,00", "80000,00" or "80000.50" in
// Italian), read as the server reads them (tsf/core/money.py parse_amount). NaN when not an amount.
window.tsfParseAmount = function (value) {
  var raw = String(value || "").replace(/[\s\u00a0\u202f€]|EUR/gi, "");
  if (!raw) return 0;
  var lang = (document.documentElement.lang || "it").slice(0, 2);
  var dec = lang === "en" ? "." : ",", grp = lang === "en" ? "," : ".";
  var grouped = new RegExp("^\\d{1,3}(\\" + grp + "\\d{3})+$");
  var sign = raw[0] === "-" ? -1 : 1;
  raw = raw.replace(/^[+-]/, "");
  if (raw.indexOf(dec) >= 0 && raw.indexOf(grp) >= 0) {
    var at = raw.lastIndexOf(dec), whole = raw.slice(0, at);
    if (!grouped.test(whole)) return NaN;
    raw = whole.split(grp).join("") + "." + raw.slice(at + 1);
  } else if (raw.indexOf(dec) >= 0) {
    raw = raw.split(dec).length > 2 ? raw.split(dec).join("") : raw.replace(dec, ".");
  } else if (raw.indexOf(grp) >= 0) {
    raw = grouped.test(raw) ? raw.split(grp).join("") : raw;
  }
  return /^(\d+(\.\d+)?|\.\d+)$/.test(raw) ? sign * parseFloat(raw) : NaN;
};
