//! Long lists split into pages, so that no HTML page grows with the mesh: page 1 is where the
//! list has always been (the catalogue, a domain page, a contract page), pages 2 … N are
//! `<dir>/page/<n>.html`, and every page carries numbered links to the others (see
//! `PagerView`). Rows per page come from `[pages] size` in `meshport.toml`.

use super::views::{PagerLink, PagerView};

/// Pages to each side of the current one that get a numbered link (besides the first and the
/// last): enough to step through a list, few enough to keep the pager one line.
const AROUND: usize = 2;

/// Where the pages of one list live.
#[derive(Debug, Clone)]
pub struct Paging {
    /// Site-relative URL of page 1.
    pub first: String,
    /// Directory of pages 2 … N (`products` → `products/page/2.html`).
    pub dir: String,
    pub size: usize,
}

/// One page of a list: its URL, its pager and its rows.
pub struct Paged<T> {
    pub url: String,
    pub pager: PagerView,
    pub rows: Vec<T>,
}

impl Paging {
    pub fn new(first: impl Into<String>, dir: impl Into<String>, size: usize) -> Paging {
        Paging {
            first: first.into(),
            dir: dir.into(),
            size: size.max(1),
        }
    }

    /// The URL of page `n` (from 1).
    pub fn url(&self, n: usize) -> String {
        if n <= 1 {
            self.first.clone()
        } else {
            format!("{}/page/{n}.html", self.dir)
        }
    }

    pub fn pages(&self, total: usize) -> usize {
        total.div_ceil(self.size).max(1)
    }

    /// The page holding the row at `index` (from 0).
    pub fn page_of(&self, index: usize) -> usize {
        index / self.size + 1
    }

    pub fn pager(&self, page: usize, total: usize) -> PagerView {
        let pages = self.pages(total);
        let page = page.clamp(1, pages);
        let shown = |n: usize| n == 1 || n == pages || n.abs_diff(page) <= AROUND;
        let mut links = Vec::new();
        let mut last = 0;
        for n in (1..=pages).filter(|n| shown(*n)) {
            links.push(PagerLink {
                number: n,
                url: (n != page).then(|| self.url(n)),
                gap: n > last + 1,
            });
            last = n;
        }
        PagerView {
            page,
            pages,
            total,
            from: if total == 0 { 0 } else { (page - 1) * self.size + 1 },
            to: (page * self.size).min(total),
            prev: (page > 1).then(|| self.url(page - 1)),
            next: (page < pages).then(|| self.url(page + 1)),
            links,
        }
    }

    /// Every page of `rows`, in order; an empty list is one empty page.
    pub fn split<T>(&self, rows: Vec<T>) -> Vec<Paged<T>> {
        let total = rows.len();
        let mut out = Vec::with_capacity(self.pages(total));
        let mut rest = rows.into_iter();
        for page in 1..=self.pages(total) {
            let rows: Vec<T> = rest.by_ref().take(self.size).collect();
            out.push(Paged {
                url: self.url(page),
                pager: self.pager(page, total),
                rows,
            });
        }
        out
    }
}

/// The directory for the pages after the first of a page's list: `domains/x.html` and
/// `products` → `domains/x/products`; an index page's own directory for its main list
/// (`products/index.html`, `""` → `products`).
pub fn dir_of(page_url: &str, list: &str) -> String {
    let stem = page_url.strip_suffix(".html").unwrap_or(page_url);
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    if list.is_empty() {
        stem.to_string()
    } else {
        format!("{stem}/{list}")
    }
}

/// Output ports a product page shows as full sections (with their contract's detail); a
/// product with more lists every port on its ports pages (`ports_paging`).
pub const PORT_SECTIONS: usize = 10;

/// Where a product's ports pages are: `products/<slug>/ports.html`, then
/// `products/<slug>/ports/page/<n>.html`; input ports first, then output ports.
pub fn ports_paging(product_url: &str, size: usize) -> Paging {
    let dir = dir_of(product_url, "ports");
    Paging::new(format!("{dir}.html"), dir, size)
}

/// Where a contract's schema pages are: page 1 is the contract page's schema section, pages
/// 2 … N `contracts/<slug>/page/<n>.html`.
pub fn schema_paging(contract_url: &str, size: usize) -> Paging {
    Paging::new(format!("{contract_url}#schema"), dir_of(contract_url, ""), size)
}

/// The URL of the row (or object heading) `anchor` of field number `index` (from 0, in page
/// order) on a contract's pages.
pub fn field_url(contract_url: &str, index: usize, size: usize, anchor: &str) -> String {
    let paging = schema_paging(contract_url, size);
    match paging.page_of(index) {
        1 => format!("{contract_url}#{anchor}"),
        n => format!("{}#{anchor}", paging.url(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(p: &PagerView) -> Vec<String> {
        p.links
            .iter()
            .map(|l| {
                format!(
                    "{}{}{}",
                    if l.gap { "…" } else { "" },
                    l.number,
                    if l.url.is_none() { "*" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn pages_after_the_first_live_in_the_directory() {
        let p = Paging::new("products/index.html", dir_of("products/index.html", ""), 10);
        assert_eq!(p.url(1), "products/index.html");
        assert_eq!(p.url(3), "products/page/3.html");
        assert_eq!(dir_of("domains/sales.html", "products"), "domains/sales/products");
        assert_eq!((p.pages(0), p.pages(10), p.pages(11)), (1, 1, 2));
        assert_eq!((p.page_of(0), p.page_of(9), p.page_of(10)), (1, 1, 2));
    }

    #[test]
    fn pager_links_first_last_and_neighbours() {
        let p = Paging::new("a.html", "a", 10);
        let v = p.pager(6, 200);
        assert_eq!(numbers(&v), ["1", "…4", "5", "6*", "7", "8", "…20"]);
        assert_eq!(
            (v.from, v.to, v.prev.as_deref(), v.next.as_deref()),
            (51, 60, Some("a/page/5.html"), Some("a/page/7.html"))
        );
        assert_eq!(numbers(&p.pager(1, 35)), ["1*", "2", "3", "4"]);
        let last = p.pager(4, 35);
        assert_eq!((last.from, last.to, last.next), (31, 35, None));
        assert_eq!(p.pager(1, 0).pages, 1);
    }

    #[test]
    fn field_urls_follow_the_schema_pages() {
        assert_eq!(
            field_url("contracts/c-1.html", 4, 5, "field-t-a"),
            "contracts/c-1.html#field-t-a"
        );
        assert_eq!(
            field_url("contracts/c-1.html", 5, 5, "field-t-b"),
            "contracts/c-1/page/2.html#field-t-b"
        );
        assert_eq!(
            schema_paging("contracts/c-1.html", 5).url(1),
            "contracts/c-1.html#schema"
        );
    }

    #[test]
    fn split_keeps_every_row_once() {
        let p = Paging::new("a.html", "a", 3);
        let pages = p.split((0..7).collect::<Vec<_>>());
        let rows: Vec<Vec<i32>> = pages.iter().map(|x| x.rows.clone()).collect();
        assert_eq!(rows, [vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        assert_eq!(pages[2].url, "a/page/3.html");
        assert_eq!(p.split(Vec::<i32>::new()).len(), 1);
    }
}
