// Progressive enhancement for tables of checkboxes: a "select all on this page" box in the
// header cell marked data-select-all="NAME". Without JavaScript each row is still ticked by hand.
(function () {
  for (const cell of document.querySelectorAll('th[data-select-all]')) {
    const table = cell.closest('table');
    if (!table) continue;
    const name = cell.getAttribute('data-select-all');
    const boxes = () => Array.from(table.querySelectorAll('tbody input[type=checkbox]')).filter((box) => box.name === name);
    if (boxes().length === 0) continue;
    const all = document.createElement('input');
    all.type = 'checkbox';
    all.id = `select-all-${name}`;
    const label = document.createElement('label');
    label.htmlFor = all.id;
    label.className = 'visually-hidden';
    label.textContent = 'Select all on this page';
    cell.replaceChildren(all, label);
    const sync = () => {
      const ticked = boxes().filter((box) => box.checked).length;
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    };
    all.addEventListener('change', () => {
      for (const box of boxes()) box.checked = all.checked;
    });
    table.addEventListener('change', (event) => {
      if (event.target !== all) sync();
    });
    sync();
  }
})();
