// The photo gallery of a post's form: choose or drop many images at once (each gets its own row,
// with a preview, its alternative text and caption), and move rows up and down with the buttons
// (keyboard, screen readers) or by dragging a row by its handle (HTML5 drag and drop); the order
// numbers follow. Without script the rows of the form work as they are.
(function () {
  var script = document.currentScript;
  var box = document.querySelector("[data-gallery]");
  if (!box) return;
  var prefix = box.dataset.gallery;
  var rows = box.querySelector("[data-gallery-rows]");
  var template = box.querySelector("template[data-gallery-empty]");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var maxForms = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
  var drop = box.querySelector("[data-gallery-drop]");
  var chooser = document.getElementById("gallery-files");
  var status = box.querySelector("[data-gallery-status]");
  var words = script.dataset;

  function say(text) { status.textContent = ""; setTimeout(function () { status.textContent = text; }, 50); }

  function isEmpty(row) {
    var file = row.querySelector("input[type=file]");
    var id = row.querySelector("input[name$='-id']");
    var kept = row.querySelector("input[name$='-image-kept']");
    return file && !file.files.length && !(id && id.value) && !(kept && kept.value);
  }

  function newRow() {
    var index = Number(total.value);
    if (maxForms && index >= Number(maxForms.value)) return null;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    addButtons(row);
    return row;
  }

  function preview(row, file) {
    var old = row.querySelector("img[data-preview]");
    if (old) old.remove();
    var reader = new FileReader();
    reader.onload = function () {
      var img = document.createElement("img");
      img.src = reader.result; img.alt = ""; img.width = 160; img.className = "img-thumbnail mb-2 d-block";
      img.dataset.preview = "";
      var side = row.querySelector("[data-gallery-side]");
      side.insertBefore(img, side.firstChild);
    };
    reader.readAsDataURL(file);
  }

  function renumber() {
    Array.prototype.forEach.call(rows.querySelectorAll("[data-gallery-row]"), function (row, i) {
      var order = row.querySelector("input[name$='-order']");
      if (order) order.value = String(i + 1);
    });
  }

  function addFiles(files) {
    var added = [];
    Array.prototype.forEach.call(files, function (file) {
      if (!/^image\//.test(file.type)) return;
      var row = Array.prototype.find.call(rows.querySelectorAll("[data-gallery-row]"), isEmpty) || newRow();
      if (!row) return;
      var input = row.querySelector("input[type=file]");
      var dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      input.dispatchEvent(new Event("change", {bubbles: true}));
      preview(row, file);
      added.push(row);
    });
    renumber();
    if (added.length) {
      say(words.added.replace("{n}", String(added.length)));
      var alt = added[0].querySelector("input[name$='-alt']");
      if (alt) alt.focus();
    }
  }

  function move(row, step) {
    var sibling = step < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) return;
    if (step < 0) rows.insertBefore(row, sibling); else rows.insertBefore(sibling, row);
    renumber();
    var position = Array.prototype.indexOf.call(rows.children, row) + 1;
    say(words.moved.replace("{n}", String(position)));
    var again = row.querySelector(step < 0 ? "[data-move='up']" : "[data-move='down']");
    if (again) again.focus();
    row.closest("form").dispatchEvent(new Event("input", {bubbles: true}));
  }

  // Drag and drop: a row is dragged by its handle (its fields stay selectable as they are).
  var dragged = null;

  function announceMove(row) {
    renumber();
    say(words.moved.replace("{n}", String(Array.prototype.indexOf.call(rows.children, row) + 1)));
    row.closest("form").dispatchEvent(new Event("input", {bubbles: true}));
  }

  function addHandle(row, bar) {
    var handle = document.createElement("span");
    handle.className = "btn btn-outline-secondary btn-sm tsf-drag-handle";
    handle.textContent = "\u2630"; handle.title = words.drag || ""; handle.setAttribute("aria-hidden", "true");
    handle.draggable = true;
    handle.dataset.dragHandle = "";
    handle.addEventListener("dragstart", function (e) {
      dragged = row;
      row.classList.add("opacity-50");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", "");
      if (e.dataTransfer.setDragImage) e.dataTransfer.setDragImage(row, 20, 20);
    });
    handle.addEventListener("dragend", function () {
      row.classList.remove("opacity-50");
      if (dragged === row) announceMove(row);
      dragged = null;
    });
    row.addEventListener("dragover", function (e) {
      if (!dragged || dragged === row) return;
      e.preventDefault();
      var box = row.getBoundingClientRect();
      var after = e.clientY > box.top + box.height / 2;
      rows.insertBefore(dragged, after ? row.nextElementSibling : row);
    });
    row.addEventListener("drop", function (e) { if (dragged) e.preventDefault(); });
    bar.appendChild(handle);
  }

  function addButtons(row) {
    if (row.querySelector("[data-move]")) return;
    var bar = document.createElement("div");
    bar.className = "d-flex gap-2 mt-2";
    addHandle(row, bar);
    [["up", words.moveUp, -1], ["down", words.moveDown, 1]].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "btn btn-outline-primary btn-sm"; b.dataset.move = spec[0];
      b.textContent = spec[1];
      b.addEventListener("click", function () { move(row, spec[2]); });
      bar.appendChild(b);
    });
    (row.querySelector("[data-gallery-side]") || row.querySelector("fieldset")).appendChild(bar);
  }

  Array.prototype.forEach.call(rows.querySelectorAll("[data-gallery-row]"), addButtons);
  drop.hidden = false;
  chooser.addEventListener("change", function () { addFiles(chooser.files); chooser.value = ""; });
  ["dragover", "dragenter"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("border-primary"); });
  });
  drop.addEventListener("dragleave", function () { drop.classList.remove("border-primary"); });
  drop.addEventListener("drop", function (e) {
    e.preventDefault(); drop.classList.remove("border-primary");
    if (e.dataTransfer && e.dataTransfer.files) addFiles(e.dataTransfer.files);
  });
})();
