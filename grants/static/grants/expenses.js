// Report form: show the remaining amount of each budget line as the team types its expenses,
// and add expense rows. The server checks again and refuses an overspend next to the field.
(function () {
  "use strict";
  var form = document.querySelector("[data-expense-rows]");
  if (!form) return;
  var budget = document.querySelector("[data-budget]");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "it", {minimumFractionDigits: 2, maximumFractionDigits: 2});

  function parse(value) {
    var n = window.tsfParseAmount(value);
    return isNaN(n) ? 0 : n;
  }

  function update() {
    var used = {};
    document.querySelectorAll("[data-expense-rows] [data-expense-row]").forEach(function (row) {
      var line = row.querySelector("select.js-expense-line, select[name$='-budget_line']");
      var amount = row.querySelector("input[name$='-amount']");
      var del = row.querySelector("input[name$='-DELETE']");
      if (!line || !amount || !line.value || (del && del.checked)) return;
      used[line.value] = (used[line.value] || 0) + parse(amount.value);
    });
    budget.querySelectorAll("tr[data-line]").forEach(function (tr) {
      var left = parseFloat(tr.dataset.left) - (used[tr.dataset.line] || 0);
      var cell = tr.querySelector("[data-remaining]");
      cell.textContent = fmt.format(left);
      tr.classList.toggle("table-danger", left < 0);
    });
  }

  var total = document.querySelector("input[name='exp-TOTAL_FORMS']");
  var template = document.querySelector("template[data-expense-template]");
  var add = document.querySelector("[data-add-expense]");
  if (add && template && total) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      form.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      update();
    });
  }
  document.addEventListener("input", function (e) { if (e.target.closest("[data-expense-rows]")) update(); });
  document.addEventListener("change", function (e) { if (e.target.closest("[data-expense-rows]")) update(); });
  update();
})();
