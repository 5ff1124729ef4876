// Ranking by mouse, touch and keyboard. The rank selects are the truth (the page works without this script);
// dragging renumbers them by position, and a digit key sets the focused output's rank (equal ranks are
// ties) and moves it into place. Enter, outside a field, submits.
(function () {
  const form = document.getElementById("ranking-form");
  if (!form) return;
  const list = document.getElementById("outputs");
  const started = Date.now();
  const outputs = () => Array.from(list.querySelectorAll("li.output"));
  const rankSelect = (li) => li.querySelector("select.rank");
  const rankOf = (li) => Number(rankSelect(li).value) || Number.MAX_SAFE_INTEGER;

  function numberByPosition() {
    outputs().forEach((li, i) => (rankSelect(li).value = String(i + 1)));
  }

  function orderByRank() {
    outputs()
      .map((li, i) => ({ li, i }))
      .sort((a, b) => rankOf(a.li) - rankOf(b.li) || a.i - b.i)
      .forEach(({ li }) => list.appendChild(li));
  }

  // Dragging with pointer events (mouse, pen and touch alike): press on an output, move it over the
  // others, release; the outputs are then numbered by their new positions.
  let dragged = null;
  list.addEventListener("pointerdown", (event) => {
    const li = event.target.closest("li.output");
    if (!li || event.button !== 0 || event.target.closest("select, input, label, summary, details, a, button")) return;
    dragged = li;
    li.classList.add("dragging");
    li.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  list.addEventListener("pointermove", (event) => {
    if (!dragged) return;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const over = under && under.closest("li.output");
    if (!over || over === dragged || !list.contains(over)) return;
    const box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  const drop = () => {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged.focus();
    dragged = null;
    numberByPosition();
  };
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);

  list.addEventListener("keydown", (event) => {
    const li = event.target.closest("li.output");
    if (!li || event.target !== li) return;
    const k = outputs().length;
    if (/^[1-9]$/.test(event.key) && Number(event.key) <= k) {
      event.preventDefault();
      rankSelect(li).value = event.key;
      orderByRank();
      li.focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const all = outputs();
      const next = all[all.indexOf(li) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
    }
  });
  list.addEventListener("change", (event) => {
    if (event.target.matches("select.rank")) orderByRank();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.target.closest("input, select, textarea, button, summary, a")) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", () => {
    document.getElementById("duration").value = String(Date.now() - started);
  });
})();
