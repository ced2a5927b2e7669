// Page behaviours declared by data attributes, so that no page carries inline script: the Content-Security-Policy
// allows scripts from this site's own files only (script-src 'self').
//   data-submit-on-change  a select or checkbox that submits its form when changed
//   data-print             a button that prints the page
//   data-back              a link back to the previous page
//   data-select-all="x"    a checkbox that ticks or clears every checkbox named "x" in its form; it shows ticked
//                          when all are, half-ticked when some are
//   data-select-count="x"  shows how many checkboxes named "x" its form has ticked, in its data-count-text ("{n}")
//   data-confirm-unsent="…{n}…"  the logout form: logging out deletes the offline app's data from the device
//                          (Clear-Site-Data), so the user confirms first when visits captured offline are not sent
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.submit();
    return;
  }
  const all = event.target.closest("[data-select-all]");
  if (all && all.form) {
    for (const box of namedBoxes(all.form, all.dataset.selectAll)) {
      box.checked = all.checked;
    }
  }
  if (event.target.form && event.target.type === "checkbox") {
    showSelection(event.target.form);
  }
});

function namedBoxes(form, name) {
  return Array.from(form.elements).filter((element) => element.type === "checkbox" && element.name === name);
}

// The select-all boxes and the counts of a form, after a change or when the page opens (a refused batch comes back
// with its cases ticked).
function showSelection(form) {
  for (const all of form.querySelectorAll("[data-select-all]")) {
    const boxes = namedBoxes(form, all.dataset.selectAll);
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  for (const count of form.querySelectorAll("[data-select-count]")) {
    const ticked = namedBoxes(form, count.dataset.selectCount).filter((box) => box.checked).length;
    count.textContent = (count.dataset.countText || "{n}").replace("{n}", ticked);
  }
}

const selectionForms = new Set();
for (const element of document.querySelectorAll("[data-select-all], [data-select-count]")) {
  if (element.closest("form")) {
    selectionForms.add(element.closest("form"));
  }
}
selectionForms.forEach(showSelection);

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
    return;
  }
  if (event.target.closest("[data-back]")) {
    event.preventDefault();
    history.back();
  }
});

// The offline app (static/js/offline.js) keeps the number of its visits the server has not saved in localStorage,
// which a submit handler can read at once: the logout goes on synchronously, or not at all.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-confirm-unsent]");
  if (!form) return;
  let count = 0;
  try {
    count = Number(window.localStorage.getItem("revitalization-offline-unsent") || 0);
  } catch (error) {
    count = 0;
  }
  if (count > 0 && !window.confirm(form.dataset.confirmUnsent.replace("{n}", count))) event.preventDefault();
});
