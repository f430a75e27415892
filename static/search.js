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

  // The dropdown's elements and state, shared by the functions below.
  function headerState(form) {
    return {
      form: form,
      input: form.querySelector("#site-search-q"),
      list: form.querySelector("#site-search-results"),
      panel: form.querySelector(".site-search-panel"),
      status: form.querySelector(".site-search-status"),
      all: form.querySelector(".site-search-all"),
      active: -1,
      seq: 0,
      timer: null
    };
  }

  function headerItems(h) {
    return Array.prototype.slice.call(h.list.querySelectorAll("li.search-result"));
  }

  function headerOpen(h, show) {
    if (show) {
      // Open towards the side with room: the box sits left or right depending on the width.
      var box = h.form.getBoundingClientRect();
      h.panel.classList.toggle("align-right", box.left + 560 > window.innerWidth && box.right > 560);
    }
    h.panel.hidden = !show;
    h.input.setAttribute("aria-expanded", show ? "true" : "false");
    if (!show) {
      headerSetActive(h, -1);
    }
  }

  function headerSetActive(h, index) {
    var all = headerItems(h);
    h.active = all.length ? Math.max(-1, Math.min(index, all.length - 1)) : -1;
    all.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === h.active ? "true" : "false");
      li.classList.toggle("is-active", i === h.active);
    });
    if (h.active >= 0) {
      h.input.setAttribute("aria-activedescendant", all[h.active].id);
      all[h.active].scrollIntoView({ block: "nearest" });
    } else {
      h.input.removeAttribute("aria-activedescendant");
    }
  }

  function searchPageUrl(q) {
    return root + "search.html" + (q ? "?q=" + encodeURIComponent(q) : "");
  }

  function headerShow(h, q, results, datas) {
    h.list.textContent = "";
    datas.forEach(function (d, i) {
      h.list.appendChild(resultItem(d, "site-search-option-" + i));
    });
    h.active = -1;
    h.status.textContent = results.length
      ? results.length + " result" + (results.length === 1 ? "" : "s")
      : "No results for “" + q + "”.";
    h.all.href = searchPageUrl(q);
    h.list.setAttribute("data-state", "ready");
    headerOpen(h, true);
  }

  function headerFail(h) {
    h.list.textContent = "";
    h.status.textContent = unavailableMessage();
    h.list.setAttribute("data-state", "ready");
    h.form.classList.add("search-unavailable");
    headerOpen(h, true);
  }

  function headerRun(h) {
    var q = h.input.value.trim();
    var mine = ++h.seq;
    if (!q) {
      h.list.textContent = "";
      h.list.setAttribute("data-state", "ready");
      headerOpen(h, false);
      return;
    }
    if (!served) {
      headerFail(h);
      return;
    }
    h.list.setAttribute("data-state", "loading");
    loadEngine().then(function (pf) {
      return pf.search(q).then(function (response) {
        var results = response.results;
        return loadData(results.slice(0, DROPDOWN_RESULTS)).then(function (datas) {
          if (mine === h.seq) {
            headerShow(h, q, results, datas);
          }
        });
      });
    }).catch(function () {
      if (mine === h.seq) {
        headerFail(h);
      }
    });
  }

  // Arrows move through the results, Escape closes, Enter opens the active result or the
  // search page.
  function headerKeydown(h, event) {
    var count = headerItems(h).length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (h.panel.hidden && h.input.value.trim()) {
        headerOpen(h, true);
      }
      headerSetActive(h, h.active + 1 < count ? h.active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      headerSetActive(h, h.active > 0 ? h.active - 1 : count - 1);
    } else if (event.key === "Escape") {
      if (!h.panel.hidden) {
        event.preventDefault();
        headerOpen(h, false);
      }
    } else if (event.key === "Enter") {
      event.preventDefault();
      var chosen = headerItems(h)[h.active];
      var link = chosen && chosen.querySelector("a.search-result-link");
      location.href = link ? link.href : searchPageUrl(h.input.value.trim());
    }
  }

  // Debounced search as you type; the results on screen are for the previous text until the
  // query runs.
  function onTyping(input, list, state, run) {
    input.addEventListener("input", function () {
      clearTimeout(state.timer);
      list.setAttribute("data-state", "loading");
      state.timer = setTimeout(run, DEBOUNCE_MS);
    });
  }

  // "/" anywhere but in a text field focuses the header box.
  function slashFocuses(input) {
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

  function setupHeader(form) {
    var h = headerState(form);
    if (!h.input || !h.list || !h.panel) {
      return;
    }
    form.classList.add("js-search");
    h.input.addEventListener("focus", function () {
      if (served) {
        loadEngine().catch(function () {});
      }
      if (h.input.value.trim() && h.list.children.length) {
        headerOpen(h, true);
      }
    });
    onTyping(h.input, h.list, h, function () {
      headerRun(h);
    });
    h.input.addEventListener("keydown", function (event) {
      headerKeydown(h, event);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = searchPageUrl(h.input.value.trim());
    });
    h.list.addEventListener("mousemove", function (event) {
      var li = event.target.closest && event.target.closest("li.search-result");
      if (li) {
        headerSetActive(h, headerItems(h).indexOf(li));
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) {
        headerOpen(h, false);
      }
    });
    slashFocuses(h.input);
  }

  /* ---- search page ------------------------------------------------------------------ */

  // The search page's elements and state, shared by the functions below.
  function pageState(form) {
    return {
      form: form,
      input: form.querySelector("#search-page-q"),
      list: form.querySelector("#search-page-results"),
      status: form.querySelector("#search-page-status"),
      more: form.querySelector(".search-more"),
      boxes: Array.prototype.slice.call(form.querySelectorAll("#search-facets input[data-facet]")),
      seq: 0,
      timer: null,
      shown: [],
      pending: [],
      // Facets whose filter chunk is loaded. Pagefind fetches a facet's chunk when it is first
      // used; loading all of them up front would cost ~215 KB at 10,000 products. Until then a
      // facet shows its whole-portal count from the build.
      used: {}
    };
  }

  function readQuery(p) {
    var params = new URLSearchParams(location.search);
    p.input.value = params.get("q") || "";
    p.boxes.forEach(function (box) {
      box.checked = params.getAll(box.getAttribute("data-facet")).indexOf(box.value) >= 0;
    });
  }

  function selectedFilters(p) {
    var filters = {};
    p.boxes.forEach(function (box) {
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

  // The counts of one facet with every other facet's selection applied, and not its own.
  function countsWithoutOwn(q, filters, name) {
    var others = {};
    Object.keys(filters).forEach(function (n) {
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
      return (found || {})[name] || {};
    });
  }

  // A facet's own counts ignore its own selection (checking "product" keeps the other
  // kinds' counts), so each facet with a selection gets one more search without it. The
  // extra searches run on chunks already loaded: nothing more is downloaded.
  function facetCounts(q, filters, response) {
    var counts = {};
    Object.keys(response.filters || {}).forEach(function (name) {
      counts[name] = response.filters[name];
    });
    return Promise.all(Object.keys(filters).map(function (name) {
      return countsWithoutOwn(q, filters, name).then(function (own) {
        counts[name] = own;
      });
    })).then(function () {
      return counts;
    });
  }

  function updateCounts(p, counts) {
    p.boxes.forEach(function (box) {
      var name = box.getAttribute("data-facet");
      if (!p.used[name] || !counts[name]) {
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

  function showMore(p, mine) {
    var next = p.pending.slice(p.shown.length, p.shown.length + PAGE_SIZE);
    return loadData(next).then(function (datas) {
      if (mine !== p.seq) {
        return;
      }
      datas.forEach(function (d) {
        var item = resultItem(d);
        // A plain list on the page: options only make sense inside the dropdown's listbox.
        item.removeAttribute("role");
        item.removeAttribute("aria-selected");
        item.querySelector("a").removeAttribute("tabindex");
        p.list.appendChild(item);
        p.shown.push(d);
      });
      p.more.hidden = p.shown.length >= p.pending.length;
    });
  }

  // The first page of results and the facet counts of a finished search.
  function pageShow(p, q, anyFilter, done) {
    var response = done.response;
    p.list.textContent = "";
    p.shown = [];
    p.pending = response.results;
    updateCounts(p, done.counts);
    p.status.textContent = !q && !anyFilter
      ? "Type to search, or pick a filter."
      : p.pending.length + " result" + (p.pending.length === 1 ? "" : "s") + (q ? " for “" + q + "”" : "") + ".";
  }

  function pageSearch(q, filters, anyFilter) {
    return loadEngine().then(function (pf) {
      if (!q && !anyFilter) {
        return { results: [], filters: {} };
      }
      return pf.search(q || null, { filters: pagefindFilters(filters) });
    }).then(function (response) {
      return facetCounts(q, filters, response).then(function (counts) {
        return { response: response, counts: counts };
      });
    });
  }

  function pageRun(p) {
    var q = p.input.value.trim();
    var filters = selectedFilters(p);
    var mine = ++p.seq;
    writeQuery(q, filters);
    var anyFilter = Object.keys(filters).length > 0;
    if (!q && !anyFilter && !engine) {
      // Nothing asked yet: keep the whole-index counts and leave the index unloaded.
      p.list.textContent = "";
      p.more.hidden = true;
      p.status.textContent = "Type to search, or pick a filter.";
      p.list.setAttribute("data-state", "ready");
      return;
    }
    p.list.setAttribute("data-state", "loading");
    Object.keys(filters).forEach(function (name) {
      p.used[name] = true;
    });
    pageSearch(q, filters, anyFilter).then(function (done) {
      if (mine !== p.seq) {
        return null;
      }
      pageShow(p, q, anyFilter, done);
      return showMore(p, mine);
    }).then(function () {
      if (mine === p.seq) {
        p.list.setAttribute("data-state", "ready");
      }
    }).catch(function () {
      if (mine === p.seq) {
        p.status.textContent = unavailableMessage();
        p.list.setAttribute("data-state", "ready");
      }
    });
  }

  function setupPage(form) {
    var p = pageState(form);
    var compiled = form.getAttribute("data-compiled") !== "false";
    readQuery(p);
    if (!compiled) {
      p.list.setAttribute("data-state", "ready");
      return;
    }
    if (!served) {
      p.status.textContent = unavailableMessage();
      p.list.setAttribute("data-state", "ready");
      return;
    }
    var run = function () {
      pageRun(p);
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    onTyping(p.input, p.list, p, run);
    p.boxes.forEach(function (box) {
      box.addEventListener("change", run);
    });
    p.input.addEventListener("focus", function () {
      loadEngine().catch(function () {});
    });
    p.more.addEventListener("click", function () {
      showMore(p, p.seq);
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
