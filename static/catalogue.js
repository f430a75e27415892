/*
 * meshport catalogue: filtering and sorting for the product and contract tables.
 *
 * Progressive enhancement only: the table is complete and readable without this script.
 * It looks for tables marked `data-catalogue`, un-hides the filter controls that point at
 * them (`data-controls-for="<table id>"`), and:
 *   - filters rows by free text (row `data-search`) and by selects (`data-filter="status"`
 *     matches row `data-status`, and so on), showing "N of M products";
 *   - sorts by any column when its header is clicked (aria-sort on the header); a cell's
 *     `data-sort-value` is used in place of its text, and `data-sort="number"` on a header
 *     sorts numerically;
 *   - keeps the filters in the query string (?q=…&status=…) so a filtered view can be linked.
 * No network access, no dependencies, no inline handlers: works from file:// and under a CSP.
 */
(function () {
  "use strict";

  var collator =
    typeof Intl !== "undefined" && Intl.Collator
      ? new Intl.Collator(undefined, { numeric: true, sensitivity: "base" })
      : null;

  function compareText(a, b) {
    if (collator) {
      return collator.compare(a, b);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortKey(cell) {
    if (!cell) {
      return "";
    }
    var value = cell.getAttribute("data-sort-value");
    return value !== null ? value : cell.textContent.replace(/\s+/g, " ").trim();
  }

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function readQuery() {
    var params = {};
    try {
      new URLSearchParams(window.location.search).forEach(function (value, key) {
        params[key] = value;
      });
    } catch (e) {
      // No URLSearchParams: start unfiltered.
    }
    return params;
  }

  function writeQuery(params) {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    try {
      var search = new URLSearchParams();
      Object.keys(params).forEach(function (key) {
        if (params[key]) {
          search.set(key, params[key]);
        }
      });
      var query = search.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    } catch (e) {
      // Some browsers refuse replaceState on file:// pages; filtering still works.
    }
  }

  // The table and its rows in their original order (sorting falls back to it on ties).
  function tableState(table) {
    var tbody = table.tBodies[0];
    var rows = toArray(tbody.rows);
    var original = new Map();
    rows.forEach(function (row, index) {
      original.set(row, index);
    });
    return {
      table: table,
      tbody: tbody,
      rows: rows,
      original: original,
      noun: table.getAttribute("data-noun") || "rows"
    };
  }

  function rowValue(row, key) {
    return (row.getAttribute("data-" + key) || "").toLowerCase();
  }

  // ----- Filtering -----

  // The filter bar that points at the table (`data-controls-for`), or null.
  function filterControls(t) {
    var controls = t.table.id
      ? document.querySelector('[data-controls-for="' + t.table.id + '"]')
      : null;
    if (!controls) {
      return null;
    }
    return {
      controls: controls,
      textInput: controls.querySelector("[data-filter-text]"),
      selects: toArray(controls.querySelectorAll("select[data-filter]")),
      countOutput: controls.querySelector("[data-filter-count]"),
      emptyNote: document.querySelector("[data-filter-empty]"),
      resetButtons: toArray(document.querySelectorAll("[data-filter-reset]"))
    };
  }

  function rowMatches(row, terms, active) {
    var haystack = (row.getAttribute("data-search") || row.textContent).toLowerCase();
    return terms.every(function (term) {
      return haystack.indexOf(term) !== -1;
    }) && active.every(function (filter) {
      return rowValue(row, filter.key) === filter.value;
    });
  }

  function applyFilters(t, f) {
    var terms = f.textInput ? f.textInput.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var active = f.selects
      .filter(function (s) {
        return s.value !== "";
      })
      .map(function (s) {
        return { key: s.getAttribute("data-filter"), value: s.value.toLowerCase() };
      });
    var shown = 0;
    t.rows.forEach(function (row) {
      var visible = rowMatches(row, terms, active);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    if (f.countOutput) {
      f.countOutput.textContent =
        shown === t.rows.length
          ? "All " + t.rows.length + " " + t.noun
          : shown + " of " + t.rows.length + " " + t.noun;
    }
    if (f.emptyNote) {
      f.emptyNote.hidden = shown !== 0;
    }
    var state = { q: f.textInput ? f.textInput.value.trim() : "" };
    f.selects.forEach(function (s) {
      state[s.getAttribute("data-filter")] = s.value;
    });
    writeQuery(state);
  }

  // Annotates each option with how many rows it would show; disables the empty ones.
  function countOptions(t, f) {
    f.selects.forEach(function (select) {
      var key = select.getAttribute("data-filter");
      toArray(select.options).forEach(function (option) {
        if (option.value === "") {
          return;
        }
        var value = option.value.toLowerCase();
        var n = t.rows.filter(function (row) {
          return rowValue(row, key) === value;
        }).length;
        option.textContent = option.textContent + " (" + n + ")";
        option.disabled = n === 0;
      });
    });
  }

  // Starts from the query string, so links like ?status=deprecated open filtered.
  function restoreQuery(f) {
    var query = readQuery();
    if (f.textInput && query.q) {
      f.textInput.value = query.q;
    }
    f.selects.forEach(function (select) {
      var wanted = query[select.getAttribute("data-filter")];
      if (!wanted) {
        return;
      }
      wanted = wanted.toLowerCase();
      toArray(select.options).forEach(function (option) {
        if (option.value.toLowerCase() === wanted && !option.disabled) {
          select.value = option.value;
        }
      });
    });
  }

  // "/" jumps to the filter box, as on many developer sites.
  function slashFocuses(input) {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  function bindFilters(t, f) {
    var apply = function () {
      applyFilters(t, f);
    };
    if (f.textInput) {
      f.textInput.addEventListener("input", apply);
      slashFocuses(f.textInput);
    }
    f.selects.forEach(function (select) {
      select.addEventListener("change", apply);
    });
    f.resetButtons.forEach(function (button) {
      button.addEventListener("click", function () {
        if (f.textInput) {
          f.textInput.value = "";
        }
        f.selects.forEach(function (s) {
          s.value = "";
        });
        apply();
        (f.textInput || f.selects[0] || t.table).focus();
      });
    });
  }

  function setupFilters(t) {
    var f = filterControls(t);
    if (!f) {
      return;
    }
    countOptions(t, f);
    restoreQuery(f);
    bindFilters(t, f);
    f.controls.hidden = false;
    applyFilters(t, f);
  }

  // ----- Sorting -----

  function sortBy(t, headers, th, column) {
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var numeric = th.getAttribute("data-sort") === "number";
    headers.forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", direction);
    var keyed = t.rows.map(function (row) {
      var key = sortKey(row.cells[column]);
      return { row: row, key: numeric ? parseFloat(key) || 0 : key, index: t.original.get(row) };
    });
    keyed.sort(function (a, b) {
      var c = numeric ? a.key - b.key : compareText(a.key, b.key);
      if (direction === "descending") {
        c = -c;
      }
      return c || a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) {
      fragment.appendChild(k.row);
    });
    t.tbody.appendChild(fragment);
  }

  // Turns each sortable header's content into a button that sorts by its column.
  function setupSorting(t) {
    var headers = toArray(t.table.tHead.rows[0].cells);
    headers.forEach(function (th, column) {
      if (th.getAttribute("data-sort") === "none") {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(t, headers, th, column);
      });
    });
  }

  function setup(table) {
    if (!table.tBodies[0] || !table.tHead) {
      return;
    }
    var t = tableState(table);
    setupFilters(t);
    setupSorting(t);
    table.classList.add("is-enhanced");
  }

  toArray(document.querySelectorAll("table[data-catalogue]")).forEach(setup);
})();
