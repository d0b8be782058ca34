// Live total of the budget lines while typing (the server computes and checks it again on save).
(function () {
  var table = document.querySelector("[data-budget]");
  if (!table) return;
  var out = table.querySelector("[data-testid=budget-total]");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "it", { style: "currency", currency: "EUR" });
  function update() {
    var cents = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var amount = row.querySelector("input[name$='-amount']");
      var del = row.querySelector("input[name$='-DELETE']");
      if (!amount || (del && del.checked)) return;
      var v = window.tsfParseAmount(amount.value);
      if (!isNaN(v)) cents += Math.round(v * 100);
    });
    out.textContent = fmt.format(cents / 100);
  }
  table.addEventListener("input", update);
  table.addEventListener("change", update);
})();
