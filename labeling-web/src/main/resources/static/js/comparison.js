// Comparison by keyboard: 1 left better, 2 right better, 3 tie, 4 both bad (the radio buttons are the truth,
// so the page works without this script); Enter, outside a field, submits.
(function () {
  const form = document.getElementById("comparison-form");
  if (!form) return;
  document.addEventListener("keydown", (event) => {
    if (event.isComposing || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.target.closest("select, textarea, input[type=text], summary, a")) return;
    const choice = form.querySelector('input[name=preferred][data-key="' + event.key + '"]');
    if (choice) {
      event.preventDefault();
      choice.checked = true;
      choice.focus();
    } else if (event.key === "Enter" && !event.target.closest("button")) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
