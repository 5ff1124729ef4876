// Demonstration drafts: saved to the server a moment after typing stops, and to this browser's storage
// on every keystroke, so neither a reload, a closed tab nor an expired session loses typed text.
(function () {
  const form = document.getElementById("demonstration-form");
  if (!form) return;
  const answer = document.getElementById("answer");
  const status = document.getElementById("draft-status");
  const count = document.getElementById("char-count");
  const storageKey = "instructforge.draft." + form.dataset.lease;
  const csrf = form.querySelector("input[name=_csrf]");
  let timer = null;

  // A local copy newer than the server's draft wins (e.g. typed while the session had expired).
  const local = JSON.parse(localStorage.getItem(storageKey) || "null");
  if (local && local.savedAt > Number(form.dataset.savedAt) && local.text !== answer.value) {
    answer.value = local.text;
    status.textContent = "Restored your unsaved text from this browser.";
  }
  const showCount = () => (count.textContent = answer.value.length);
  showCount();

  function saveToServer() {
    const body = new URLSearchParams({ text: answer.value });
    if (csrf) body.append("_csrf", csrf.value);
    fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then((response) => {
        status.textContent = response.status === 204
          ? "Draft saved at " + new Date().toLocaleTimeString() + "."
          : "Not saved on the server (sign in again?): kept in this browser.";
      })
      .catch(() => (status.textContent = "Offline: kept in this browser."));
  }

  answer.addEventListener("input", () => {
    showCount();
    localStorage.setItem(storageKey, JSON.stringify({ text: answer.value, savedAt: Date.now() }));
    status.textContent = "Saving…";
    clearTimeout(timer);
    timer = setTimeout(saveToServer, 800);
  });
  answer.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", () => localStorage.removeItem(storageKey));
})();
