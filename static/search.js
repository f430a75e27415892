/*
 * meshport search: the header box (results as you type) and the search page (facets).
 *
 * Progressive enhancement: without this script the header form submits to the product
 * catalogue and links to the domain and product indexes, and search.html says search needs
 * JavaScript. The Pagefind bundle under <site root>/pagefind/ is imported lazily, on the first
 * focus of or keystroke in a search box, never on page load. Every path is computed from the
 * page's root prefix (`data-root` on the header form), so the site works under any sub-path.
 * Pagefind runs on the main thread (`noWorker`): one file less to fetch on the first query.
 *
 * Hooks (kept stable for the browser tests and for themes):
 *   header:  form.site-search, #site-search-q, #site-search-results[role=listbox][data-state]
 *   page:    #search-page-q, #search-facets fieldset[data-facet] input[data-facet][value],
 *            span.facet-count, #search-page-results[data-state]
 *   result:  li.search-result > a.search-result-link > .search-result-kind, -title, -domain,
 *            -owner, -excerpt (matches in <mark>)
 */
(function () {
  "use strict";

  var DROPDOWN_RESULTS = 8;
  var PAGE_SIZE = 20;
  var DEBOUNCE_MS = 120;
  var KIND_LABELS = {
    product: "Product", contract: "Contract", field: "Field", domain: "Domain", team: "Team",
    person: "Person", guide: "Guide", governance: "Governance"
  };

  var headerForm = document.querySelector("form.site-search");
  var root = headerForm ? headerForm.getAttribute("data-root") || "" : "";
  var served = location.protocol === "http:" || location.protocol === "https:";
  var engine = null;

  /* ---- loading the index ------------------------------------------------------------ */

  function bundleUrl(file) {
    return new URL(root + "pagefind/" + file, document.baseURI).href;
  }

  // Resolves to the Pagefind module, initialised once per page.
  function loadEngine() {
    if (!engine) {
      engine = import(bundleUrl("pagefind.js")).then(function (pf) {
        return pf.options({ noWorker: true, excerptLength: 22 }).then(function () {
          return pf.init();
        }).then(function () {
          return pf;
        });
      });
      engine.catch(function () {
        engine = null; // let a later keystroke retry, e.g. after a flaky network
      });
    }
    return engine;
  }

  function unavailableMessage() {
    return served
      ? "Search is unavailable right now (the index could not be loaded)."
      : "Search needs the site served over http(s); opened from a file, browse the domain and product indexes instead.";
  }

  /* ---- results ---------------------------------------------------------------------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // Pagefind's excerpt is escaped text with <mark> around matches; rebuild it as nodes so
  // nothing but <mark> can ever become markup.
  function excerptNode(excerpt) {
    var node = el("span", "search-result-excerpt");
    var parts = String(excerpt || "").split(/<mark>|<\/mark>/);
    var decode = document.createElement("textarea");
    parts.forEach(function (part, i) {
      decode.innerHTML = part.replace(/</g, "&lt;");
      var text = document.createTextNode(decode.value);
      if (i % 2 === 1) {
        var mark = document.createElement("mark");
        mark.appendChild(text);
        node.appendChild(mark);
      } else {
        node.appendChild(text);
      }
    });
    return node;
  }

  function resultItem(data, id) {
    var meta = data.meta || {};
    var li = el("li", "search-result");
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    if (id) {
      li.id = id;
    }
    var link = el("a", "search-result-link");
    link.href = root + (data.raw_url || data.url || "");
    link.tabIndex = -1;
    var head = el("span", "search-result-head");
    head.appendChild(el("span", "search-result-kind", KIND_LABELS[meta.kind] || meta.kind || "Page"));
    head.appendChild(el("span", "search-result-title", meta.title || data.raw_url || ""));
    link.appendChild(head);
    var facts = el("span", "search-result-facts");
    facts.appendChild(el("span", "search-result-domain", meta.domain || ""));
    facts.appendChild(el("span", "search-result-owner", meta.owner || ""));
    link.appendChild(facts);
    link.appendChild(excerptNode(data.excerpt));
    li.appendChild(link);
    return li;
  }

  function loadData(results) {
    return Promise.all(results.map(function (r) {
      return r.data();
    }));
  }

  /* ---- header dropdown -------------------------------------------------------------- */

  function setupHeader(form) {
    var input = form.querySelector("#site-search-q");
    var list = form.querySelector("#site-search-results");
    var panel = form.querySelector(".site-search-panel");
    var status = form.querySelector(".site-search-status");
    var all = form.querySelector(".site-search-all");
    if (!input || !list || !panel) {
      return;
    }
    form.classList.add("js-search");
    var active = -1;
    var seq = 0;
    var timer = null;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll("li.search-result"));
    }

    function open(show) {
      if (show) {
        // Open towards the side with room: the box sits left or right depending on the width.
        var box = form.getBoundingClientRect();
        panel.classList.toggle("align-right", box.left + 560 > window.innerWidth && box.right > 560);
      }
      panel.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) {
        setActive(-1);
      }
    }

    function setActive(index) {
      var all = items();
      active = all.length ? Math.max(-1, Math.min(index, all.length - 1)) : -1;
      all.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.classList.toggle("is-active", i === active);
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function searchPageUrl(q) {
      return root + "search.html" + (q ? "?q=" + encodeURIComponent(q) : "");
    }

    function show(q, results, datas) {
      list.textContent = "";
      datas.forEach(function (d, i) {
        list.appendChild(resultItem(d, "site-search-option-" + i));
      });
      active = -1;
      status.textContent = results.length
        ? results.length + " result" + (results.length === 1 ? "" : "s")
        : "No results for “" + q + "”.";
      all.href = searchPageUrl(q);
      list.setAttribute("data-state", "ready");
      open(true);
    }

    function fail() {
      list.textContent = "";
      status.textContent = unavailableMessage();
      list.setAttribute("data-state", "ready");
      form.classList.add("search-unavailable");
      open(true);
    }

    function run() {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) {
        list.textContent = "";
        list.setAttribute("data-state", "ready");
        open(false);
        return;
      }
      if (!served) {
        fail();
        return;
      }
      list.setAttribute("data-state", "loading");
      loadEngine().then(function (pf) {
        return pf.search(q).then(function (response) {
          var results = response.results;
          return loadData(results.slice(0, DROPDOWN_RESULTS)).then(function (datas) {
            if (mine === seq) {
              show(q, results, datas);
            }
          });
        });
      }).catch(function () {
        if (mine === seq) {
          fail();
        }
      });
    }

    input.addEventListener("focus", function () {
      if (served) {
        loadEngine().catch(function () {});
      }
      if (input.value.trim() && list.children.length) {
        open(true);
      }
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      // The results on screen are for the previous text until the debounced query runs.
      list.setAttribute("data-state", "loading");
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = items().length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (panel.hidden && input.value.trim()) {
          open(true);
        }
        setActive(active + 1 < count ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active > 0 ? active - 1 : count - 1);
      } else if (event.key === "Escape") {
        if (!panel.hidden) {
          event.preventDefault();
          open(false);
        }
      } else if (event.key === "Enter") {
        event.preventDefault();
        var chosen = items()[active];
        var link = chosen && chosen.querySelector("a.search-result-link");
        location.href = link ? link.href : searchPageUrl(input.value.trim());
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = searchPageUrl(input.value.trim());
    });
    list.addEventListener("mousemove", function (event) {
      var li = event.target.closest && event.target.closest("li.search-result");
      if (li) {
        setActive(items().indexOf(li));
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) {
        open(false);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
        return;
      }
      var t = event.target;
      var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) {
        return;
      }
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  /* ---- search page ------------------------------------------------------------------ */

  function setupPage(form) {
    var input = form.querySelector("#search-page-q");
    var list = form.querySelector("#search-page-results");
    var status = form.querySelector("#search-page-status");
    var more = form.querySelector(".search-more");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("#search-facets input[data-facet]"));
    var compiled = form.getAttribute("data-compiled") !== "false";
    var seq = 0;
    var timer = null;
    var shown = [];
    var pending = [];
    // Facets whose filter chunk is loaded. Pagefind fetches a facet's chunk when it is first
    // used; loading all of them up front would cost ~215 KB at 10,000 products. Until then a
    // facet shows its whole-portal count from the build.
    var used = {};

    readQuery();
    if (!compiled) {
      list.setAttribute("data-state", "ready");
      return;
    }
    if (!served) {
      status.textContent = unavailableMessage();
      list.setAttribute("data-state", "ready");
      return;
    }

    function readQuery() {
      var params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      boxes.forEach(function (box) {
        box.checked = params.getAll(box.getAttribute("data-facet")).indexOf(box.value) >= 0;
      });
    }

    function selected() {
      var filters = {};
      boxes.forEach(function (box) {
        if (box.checked) {
          var name = box.getAttribute("data-facet");
          (filters[name] = filters[name] || []).push(box.value);
        }
      });
      return filters;
    }

    function writeQuery(q, filters) {
      var params = new URLSearchParams();
      if (q) {
        params.set("q", q);
      }
      Object.keys(filters).forEach(function (name) {
        filters[name].forEach(function (v) {
          params.append(name, v);
        });
      });
      var query = params.toString();
      try {
        history.replaceState(history.state, "", location.pathname + (query ? "?" + query : ""));
      } catch (e) {
        // Some browsers refuse replaceState here; the results are still right.
      }
    }

    // Within a facet any checked value matches; across facets all must.
    function pagefindFilters(filters) {
      var out = {};
      Object.keys(filters).forEach(function (name) {
        out[name] = { any: filters[name] };
      });
      return out;
    }

    // A facet's own counts ignore its own selection (checking "product" keeps the other
    // kinds' counts), so each facet with a selection gets one more search without it. The
    // extra searches run on chunks already loaded: nothing more is downloaded.
    function facetCounts(q, filters, response) {
      var counts = {};
      Object.keys(response.filters || {}).forEach(function (name) {
        counts[name] = response.filters[name];
      });
      var names = Object.keys(filters);
      return Promise.all(names.map(function (name) {
        var others = {};
        names.forEach(function (n) {
          if (n !== name) {
            others[n] = filters[n];
          }
        });
        var open = !q && Object.keys(others).length === 0;
        return loadEngine().then(function (pf) {
          // Never pf.filters(): it would fetch every facet's chunk.
          return pf.search(open ? null : q || null, { filters: pagefindFilters(others) }).then(function (r) {
            return r.filters;
          });
        }).then(function (found) {
          counts[name] = (found || {})[name] || {};
        });
      })).then(function () {
        return counts;
      });
    }

    function updateCounts(counts) {
      boxes.forEach(function (box) {
        var name = box.getAttribute("data-facet");
        if (!used[name] || !counts[name]) {
          box.closest("label").classList.add("count-total");
          return;
        }
        box.closest("label").classList.remove("count-total");
        var facet = counts[name];
        var n = facet[box.value] || 0;
        var label = box.closest("label");
        label.querySelector(".facet-count").textContent = String(n);
        label.classList.toggle("is-empty", n === 0 && !box.checked);
      });
    }

    function showMore(mine) {
      var next = pending.slice(shown.length, shown.length + PAGE_SIZE);
      return loadData(next).then(function (datas) {
        if (mine !== seq) {
          return;
        }
        datas.forEach(function (d) {
          var item = resultItem(d);
          // A plain list on the page: options only make sense inside the dropdown's listbox.
          item.removeAttribute("role");
          item.removeAttribute("aria-selected");
          item.querySelector("a").removeAttribute("tabindex");
          list.appendChild(item);
          shown.push(d);
        });
        more.hidden = shown.length >= pending.length;
      });
    }

    function run() {
      var q = input.value.trim();
      var filters = selected();
      var mine = ++seq;
      writeQuery(q, filters);
      var anyFilter = Object.keys(filters).length > 0;
      if (!q && !anyFilter && !engine) {
        // Nothing asked yet: keep the whole-index counts and leave the index unloaded.
        list.textContent = "";
        more.hidden = true;
        status.textContent = "Type to search, or pick a filter.";
        list.setAttribute("data-state", "ready");
        return;
      }
      list.setAttribute("data-state", "loading");
      Object.keys(filters).forEach(function (name) {
        used[name] = true;
      });
      loadEngine().then(function (pf) {
        if (!q && !anyFilter) {
          return { results: [], filters: {} };
        }
        return pf.search(q || null, { filters: pagefindFilters(filters) });
      }).then(function (response) {
        return facetCounts(q, filters, response).then(function (counts) {
          return { response: response, counts: counts };
        });
      }).then(function (done) {
        if (mine !== seq) {
          return null;
        }
        var response = done.response;
        list.textContent = "";
        shown = [];
        pending = response.results;
        updateCounts(done.counts);
        status.textContent = !q && !anyFilter
          ? "Type to search, or pick a filter."
          : pending.length + " result" + (pending.length === 1 ? "" : "s") + (q ? " for “" + q + "”" : "") + ".";
        return showMore(mine);
      }).then(function () {
        if (mine === seq) {
          list.setAttribute("data-state", "ready");
        }
      }).catch(function () {
        if (mine === seq) {
          status.textContent = unavailableMessage();
          list.setAttribute("data-state", "ready");
        }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      // The results on screen are for the previous text until the debounced query runs.
      list.setAttribute("data-state", "loading");
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", run);
    });
    input.addEventListener("focus", function () {
      loadEngine().catch(function () {});
    });
    more.addEventListener("click", function () {
      showMore(seq);
    });
    run();
  }

  if (headerForm) {
    setupHeader(headerForm);
  }
  var page = document.getElementById("search-page");
  if (page) {
    setupPage(page);
  }
})();
