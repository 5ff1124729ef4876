// Ranking by drag handle, keyboard and touch. The rank selects are the truth (the page works without this
// script). A click only focuses an output; a digit key sets the focused output's rank (equal ranks are ties)
// and moves it into place; dragging an output by its handle (SortableJS) gives it the rank of its new place.
// Everything entered is a draft, saved to this browser on every change and to the server a moment later.
// Enter, outside a field, submits.
(function () {
  const form = document.getElementById("ranking-form");
  if (!form) return;
  const list = document.getElementById("outputs");
  const status = document.getElementById("draft-status");
  const reason = form.querySelector("input[name=reason]");
  // v2: the fields are named ranks[ID], likert[ID], flags[ID] (RankingForm); a copy under the old names is not
  // restored, since restoring it would clear the form.
  const storageKey = "instructforge.ranking-draft.v2." + form.dataset.lease;
  const started = Date.now();
  const outputs = () => Array.from(list.querySelectorAll(":scope > li.output"));
  const rankSelect = (li) => li.querySelector("select.rank");
  const rankOf = (li) => Number(rankSelect(li).value) || Number.MAX_SAFE_INTEGER;

  function orderByRank() {
    outputs()
      .map((li, i) => ({ li, i }))
      .sort((a, b) => rankOf(a.li) - rankOf(b.li) || a.i - b.i)
      .forEach(({ li }) => list.appendChild(li));
  }

  // The drop rule (also in the page's help and the README). The dropped output ties with its neighbours when
  // it lands between two outputs of the same rank, and otherwise stands alone one place below the output above
  // it; every other output keeps its order and its ties. Ranks are then numbered in standard competition style
  // (1 + the number of outputs above the tie), as they are stored; outputs without a rank get one by position.
  function rankAfterDrop(dropped) {
    const all = outputs();
    const before = all.map((li) => rankSelect(li).value);
    const at = all.indexOf(dropped);
    const joinsTie = at > 0 && at < all.length - 1 && before[at - 1] !== "" && before[at - 1] === before[at + 1];
    const tiedWithAbove = (i) => (i === at || i === at + 1 ? joinsTie : before[i] !== "" && before[i] === before[i - 1]);
    let rank = 1;
    all.forEach((li, i) => {
      if (i > 0 && !tiedWithAbove(i)) rank = i + 1;
      rankSelect(li).value = String(rank);
    });
  }

  // SortableJS's own pointer handling (forceFallback) rather than the browser's HTML5 drag and drop: the same
  // code path for mouse, pen and touch, and a placeholder that shows where the output will land. Only the
  // handle starts a drag, so a click or a text selection on an output never moves or renumbers anything.
  if (window.Sortable) {
    window.Sortable.create(list, {
      handle: ".drag-handle",
      draggable: "li.output",
      forceFallback: true,
      fallbackOnBody: true,
      animation: 150,
      ghostClass: "drop-placeholder",
      chosenClass: "drag-chosen",
      fallbackClass: "drag-moving",
      // The copy under the pointer is a cloneNode, which takes fields' defaults, not what was chosen since.
      onChoose(event) {
        event.item.querySelectorAll("option").forEach((option) => (option.defaultSelected = option.selected));
        event.item.querySelectorAll("input").forEach((box) => (box.defaultChecked = box.checked));
      },
      onEnd(event) {
        if (event.oldIndex !== event.newIndex) {
          rankAfterDrop(event.item);
          remember();
        }
        event.item.focus();
      },
    });
  }

  list.addEventListener("keydown", (event) => {
    const li = event.target.closest("li.output");
    if (!li || event.target !== li) return;
    const k = outputs().length;
    if (/^[1-9]$/.test(event.key) && Number(event.key) <= k) {
      event.preventDefault();
      rankSelect(li).value = event.key;
      orderByRank();
      li.focus();
      remember();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const all = outputs();
      const next = all[all.indexOf(li) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
    }
  });

  // Drafts. The fields as the form would send them, less the CSRF token and the timer.
  const entered = () => Array.from(new FormData(form)).filter(([name]) => name !== "_csrf" && name !== "durationMs");

  function restore(fields) {
    form.querySelectorAll("select").forEach((select) => (select.value = ""));
    form.querySelectorAll("input[type=checkbox]").forEach((box) => (box.checked = false));
    reason.value = "";
    fields.forEach(([name, value]) => {
      const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (!field) return;
      if (field.type === "checkbox") {
        const box = form.querySelector(`[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`);
        if (box) box.checked = true;
      } else {
        field.value = value;
      }
    });
  }

  let timer = null;
  let sent = 0;
  let serverHasLatest = true;
  function saveToServer() {
    const mine = ++sent;
    const body = new URLSearchParams(new FormData(form));
    fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then((response) => {
        if (mine !== sent) return; // a later save answers for the page
        serverHasLatest = response.status === 204;
        status.textContent = serverHasLatest
          ? "Draft saved at " + new Date().toLocaleTimeString() + "."
          : "Not saved on the server (sign in again?): kept in this browser.";
      })
      .catch(() => mine === sent && (status.textContent = "Offline: kept in this browser."));
  }

  function remember() {
    localStorage.setItem(storageKey, JSON.stringify({ fields: entered(), savedAt: Date.now() }));
    serverHasLatest = false;
    status.textContent = "Saving…";
    clearTimeout(timer);
    timer = setTimeout(saveToServer, 800);
  }

  // A copy in this browser newer than the server's draft wins (e.g. entered while the session had expired).
  const local = JSON.parse(localStorage.getItem(storageKey) || "null");
  if (local && local.savedAt > Number(form.dataset.savedAt)) {
    restore(local.fields);
    remember();
    status.textContent = "Restored what you entered from this browser.";
  }
  orderByRank();

  form.addEventListener("change", (event) => {
    if (event.target.matches("select.rank")) orderByRank();
    remember();
  });
  reason.addEventListener("input", remember);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.target.closest("input, select, textarea, button, summary, a")) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    // The browser's copy goes once the server holds the same; while the session has expired, the submit ends
    // on the sign-in page and this copy is what brings the ranking back.
    if (serverHasLatest) localStorage.removeItem(storageKey);
    document.getElementById("duration").value = String(Date.now() - started);
  });
})();
