//! Build benchmark: generates a synthetic mesh of N products (one ODPS product and one ODCS
//! contract each, 0-3 inputs from earlier products, so lineage is acyclic and crosses
//! domains), then times each phase of a build: load+check, template compile, render, write;
//! and the rebuild `meshport serve` runs after one descriptor is edited.
//!
//! Run: `cargo bench --bench build` (sizes from `MESHPORT_BENCH_SIZES`, default `1000,10000`).

use meshport::cmd::load;
use meshport::output::Staging;
use meshport::render::{render_site, Templates};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

const DOMAINS: &[&str] = &[
    "sales",
    "marketing",
    "finance",
    "logistics",
    "customer",
    "product",
    "risk",
    "supply",
];

/// A small deterministic generator (xorshift), so every run builds the same mesh.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn product(i: usize, inputs: &[usize]) -> String {
    let domain = DOMAINS[i % DOMAINS.len()];
    let mut y = format!(
        "apiVersion: v1.0.0\nkind: DataProduct\nid: p{i:06}\nname: Product {i}\nversion: 1.0.0\nstatus: active\ndomain: {domain}\n\
         description:\n  purpose: Synthetic product {i} for the build benchmark, with a few sentences of text.\n  usage: Read the output port.\n\
         tags: [bench, {domain}]\nteam:\n  name: team-{domain}\n"
    );
    if !inputs.is_empty() {
        y.push_str("inputPorts:\n");
        for c in inputs {
            let _ = write!(y, "  - name: in-{c}\n    version: 1.0.0\n    contractId: c{c:06}\n");
        }
    }
    let _ = write!(
        y,
        "outputPorts:\n  - name: out-{i}\n    type: tables\n    version: 1.0.0\n    contractId: c{i:06}\n"
    );
    y
}

fn contract(i: usize) -> String {
    let mut y = format!(
        "apiVersion: v3.1.0\nkind: DataContract\nid: c{i:06}\nversion: 1.0.0\nstatus: active\nname: Contract {i}\ndomain: {}\n\
         schema:\n  - name: table_{i}\n    physicalType: table\n    properties:\n",
        DOMAINS[i % DOMAINS.len()]
    );
    for f in 0..8 {
        let _ = write!(y, "      - name: field_{f}\n        logicalType: string\n        classification: internal\n        description: Field {f} of table {i}.\n");
    }
    y.push_str("servers:\n  - server: prod\n    type: postgres\n    host: db.example\n    port: 5432\n    database: mesh\n    schema: public\n");
    y
}

fn generate(root: &Path, n: usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    std::fs::create_dir_all(root.join("content/products")).unwrap();
    std::fs::create_dir_all(root.join("content/contracts")).unwrap();
    std::fs::write(root.join("meshport.toml"), "title = \"Benchmark mesh\"\n").unwrap();
    for i in 0..n {
        let k = if i == 0 { 0 } else { rng.below(4) as usize };
        let inputs: Vec<usize> = (0..k).map(|_| rng.below(i as u64) as usize).collect();
        std::fs::write(
            root.join(format!("content/products/p{i:06}.odps.yaml")),
            product(i, &inputs),
        )
        .unwrap();
        std::fs::write(root.join(format!("content/contracts/c{i:06}.odcs.yaml")), contract(i)).unwrap();
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

fn run(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), n);
    let mut rows = Vec::new();
    for _ in 0..3 {
        let (loaded, t_load) = time(|| load(dir.path(), None).unwrap());
        let (templates, t_tpl) = time(|| Templates::load(dir.path()).unwrap());
        let staging = Staging::begin(dir.path(), &dir.path().join("public")).unwrap();
        let (_, t_render) =
            time(|| render_site(&loaded.mesh, &loaded.diags, &templates, dir.path(), None, &staging).unwrap());
        let (_, t_write) = time(|| staging.commit().unwrap());
        rows.push([t_load, t_tpl, t_render, t_write, t_load + t_tpl + t_render + t_write]);
        assert!(!loaded.diags.has_errors());
    }
    rows.sort_by_key(|r| r[4]);
    let m = rows[1];
    println!(
        "products={n:>6}  load+check={:>8.2?}  templates={:>8.2?}  render={:>8.2?}  write={:>8.2?}  total={:>8.2?}  (median of 3)",
        m[0], m[1], m[2], m[3], m[4]
    );
    rebuild_after_one_change(dir.path(), n);
}

/// What `meshport serve` does after a save: one descriptor edited, then the rebuild serve runs
/// (load + check with the parse of unchanged files reused, lineage with kept layouts, the
/// files beside the pages) and the edited product's page rendered.
fn rebuild_after_one_change(root: &Path, n: usize) {
    let file = root.join(format!("content/products/p{:06}.odps.yaml", n / 2));
    let (cache, layouts) = (
        meshport::source::ReadCache::default(),
        meshport::lineage::LayoutCache::default(),
    );
    meshport::serve::rebuild(root, "http://127.0.0.1:1111/", &cache, &layouts).unwrap();
    let mut times = Vec::new();
    for round in 0..3 {
        let text = std::fs::read_to_string(&file).unwrap();
        let edited = text.replacen(
            "with a few sentences",
            &format!("edited {round} times, with a few sentences"),
            1,
        );
        std::fs::write(&file, edited).unwrap();
        let (report, t) = time(|| {
            let report = meshport::serve::rebuild(root, "http://127.0.0.1:1111/", &cache, &layouts).unwrap();
            let page = format!("products/{}.html", meshport::model::slugify(&format!("p{:06}", n / 2)));
            let served = report.live.as_ref().map(|l| meshport::serve::Served::get(&**l, &page));
            assert!(
                matches!(served, Some(Some(Ok(_)))),
                "the edited product's page must render"
            );
            report
        });
        assert!(
            matches!(report.result, meshport::serve::Published::Good(_)),
            "the edited mesh must build"
        );
        times.push(t);
    }
    times.sort();
    println!("products={n:>6}  serve rebuild after a one-file change={:>8.2?}  (median of 3, with the edited page rendered, plus the 150 ms debounce)", times[1]);
}

fn main() {
    let sizes = std::env::var("MESHPORT_BENCH_SIZES").unwrap_or_else(|_| "1000,10000".into());
    for s in sizes.split(',').filter_map(|s| s.trim().parse().ok()) {
        run(s);
    }
}
