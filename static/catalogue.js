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

  function setup(table) {
    var tbody = table.tBodies[0];
    if (!tbody || !table.tHead) {
      return;
    }
    var rows = toArray(tbody.rows);
    var original = new Map();
    rows.forEach(function (row, index) {
      original.set(row, index);
    });
    var noun = table.getAttribute("data-noun") || "rows";

    // ----- Filtering -----
    var controls = table.id
      ? document.querySelector('[data-controls-for="' + table.id + '"]')
      : null;
    var textInput = controls ? controls.querySelector("[data-filter-text]") : null;
    var selects = controls ? toArray(controls.querySelectorAll("select[data-filter]")) : [];
    var countOutput = controls ? controls.querySelector("[data-filter-count]") : null;
    var emptyNote = document.querySelector("[data-filter-empty]");
    var resetButtons = toArray(document.querySelectorAll("[data-filter-reset]"));

    function rowValue(row, key) {
      return (row.getAttribute("data-" + key) || "").toLowerCase();
    }

    function applyFilters() {
      var terms = textInput
        ? textInput.value.toLowerCase().split(/\s+/).filter(Boolean)
        : [];
      var active = selects
        .filter(function (s) {
          return s.value !== "";
        })
        .map(function (s) {
          return { key: s.getAttribute("data-filter"), value: s.value.toLowerCase() };
        });
      var shown = 0;
      rows.forEach(function (row) {
        var haystack = (row.getAttribute("data-search") || row.textContent).toLowerCase();
        var visible =
          terms.every(function (t) {
            return haystack.indexOf(t) !== -1;
          }) &&
          active.every(function (f) {
            return rowValue(row, f.key) === f.value;
          });
        row.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      if (countOutput) {
        countOutput.textContent =
          shown === rows.length
            ? "All " + rows.length + " " + noun
            : shown + " of " + rows.length + " " + noun;
      }
      if (emptyNote) {
        emptyNote.hidden = shown !== 0;
      }
      var state = { q: textInput ? textInput.value.trim() : "" };
      selects.forEach(function (s) {
        state[s.getAttribute("data-filter")] = s.value;
      });
      writeQuery(state);
    }

    if (controls) {
      // Annotate each option with how many rows it would show; disable the empty ones.
      selects.forEach(function (select) {
        var key = select.getAttribute("data-filter");
        toArray(select.options).forEach(function (option) {
          if (option.value === "") {
            return;
          }
          var value = option.value.toLowerCase();
          var n = rows.filter(function (row) {
            return rowValue(row, key) === value;
          }).length;
          option.textContent = option.textContent + " (" + n + ")";
          option.disabled = n === 0;
        });
      });

      // Start from the query string, so links like ?status=deprecated open filtered.
      var query = readQuery();
      if (textInput && query.q) {
        textInput.value = query.q;
      }
      selects.forEach(function (select) {
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

      if (textInput) {
        textInput.addEventListener("input", applyFilters);
      }
      selects.forEach(function (select) {
        select.addEventListener("change", applyFilters);
      });
      resetButtons.forEach(function (button) {
        button.addEventListener("click", function () {
          if (textInput) {
            textInput.value = "";
          }
          selects.forEach(function (s) {
            s.value = "";
          });
          applyFilters();
          (textInput || selects[0] || table).focus();
        });
      });

      // "/" jumps to the filter box, as on many developer sites.
      if (textInput) {
        document.addEventListener("keydown", function (event) {
          var target = event.target;
          var typing =
            target &&
            (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
          if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
            event.preventDefault();
            textInput.focus();
            textInput.select();
          }
        });
      }

      controls.hidden = false;
      applyFilters();
    }

    // ----- Sorting -----
    var headers = toArray(table.tHead.rows[0].cells);

    function sortBy(th, column) {
      var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var numeric = th.getAttribute("data-sort") === "number";
      headers.forEach(function (h) {
        h.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", direction);
      var keyed = rows.map(function (row) {
        var key = sortKey(row.cells[column]);
        return { row: row, key: numeric ? parseFloat(key) || 0 : key, index: original.get(row) };
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
      tbody.appendChild(fragment);
    }

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
        sortBy(th, column);
      });
    });
    table.classList.add("is-enhanced");
  }

  toArray(document.querySelectorAll("table[data-catalogue]")).forEach(setup);
})();
