// "Add another skill": clones the formset's empty row and bumps TOTAL_FORMS.
document.querySelectorAll("[data-formset]").forEach((set) => {
  const prefix = set.dataset.formset;
  const max = parseInt(set.dataset.max, 10);
  const total = set.querySelector(`#id_${prefix}-TOTAL_FORMS`);
  const rows = set.querySelector("[data-rows]");
  const template = set.querySelector("template[data-empty-row]");
  const button = set.querySelector("[data-add-row]");
  const refresh = () => { button.disabled = parseInt(total.value, 10) >= max; };
  button.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    if (index >= max) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    rows.lastElementChild.querySelector("select")?.focus();
    refresh();
  });
  refresh();
});
