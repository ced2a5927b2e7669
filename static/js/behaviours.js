// Page behaviours declared by data attributes, so that no page carries inline script: the Content-Security-Policy
// allows scripts from this site's own files only (script-src 'self').
//   data-submit-on-change  a select or checkbox that submits its form when changed
//   data-print             a button that prints the page
//   data-back              a link back to the previous page
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.submit();
  }
});

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
