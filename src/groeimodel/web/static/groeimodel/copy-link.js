// "Copy link" buttons: <button data-copy="input-id" data-copied="Copied">. Without script the link stays
// selectable in its read-only field.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.dataset.copy);
  var status = document.getElementById("copy-status");
  field.select();
  var done = function () { if (status) status.textContent = button.dataset.copied; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});
