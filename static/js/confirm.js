// Ask before an irreversible action: <form data-confirm="Are you sure?"> or <button data-confirm>.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
