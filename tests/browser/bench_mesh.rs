//! The synthetic benchmark mesh for the search benchmark: N ODPS products, one ODCS contract
//! each (6-14 fields with varied names, types and classifications), three teams per domain,
//! tags, statuses, lineage from earlier products, and a guide. Unlike the build bench's mesh,
//! text is drawn from a vocabulary, so the search index has realistic term variety.
//! Deterministic: the same N always gives the same files.

use std::fmt::Write as _;
use std::path::Path;

const DOMAINS: &[&str] = &[
    "sales",
    "marketing",
    "finance",
    "logistics",
    "customer",
    "product",
    "people",
    "risk",
    "supply",
    "payments",
    "identity",
    "support",
];
const ENTITIES: &[&str] = &[
    "orders",
    "invoices",
    "shipments",
    "customers",
    "sessions",
    "refunds",
    "carts",
    "products",
    "prices",
    "stock",
    "returns",
    "payments",
    "accounts",
    "tickets",
    "campaigns",
    "leads",
    "contracts",
    "suppliers",
    "employees",
    "devices",
    "events",
];
const SUFFIXES: &[&str] = &[
    "daily",
    "snapshot",
    "events",
    "enriched",
    "aggregates",
    "history",
    "cleaned",
    "current",
    "monthly",
    "scores",
    "facts",
    "dimension",
];
const TAGS: &[&str] = &[
    "gold",
    "silver",
    "bronze",
    "streaming",
    "batch",
    "gdpr",
    "certified",
    "ml-ready",
    "realtime",
    "hourly",
    "external",
    "internal",
];
const TYPES: &[&str] = &["string", "integer", "number", "boolean", "date", "timestamp"];
const CLASSES: &[&str] = &["public", "internal", "confidential", "restricted"];
const STATUSES: &[&str] = &[
    "active",
    "active",
    "active",
    "active",
    "active",
    "active",
    "draft",
    "proposed",
    "deprecated",
];
const WORDS: &str = "data product team owns pipeline source table stream event record customer order daily \
    batch refresh latency freshness quality check contract schema version field column partition key join \
    consumer producer domain mesh platform warehouse lake storage retention policy access role steward \
    governance lineage upstream downstream metric the a of to and for with from by on in is are each every \
    this that";

/// xorshift64*: tiny, deterministic, good enough to vary synthetic text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

fn sentence(rng: &mut Rng) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let n = 10 + rng.below(11);
    let text: Vec<&str> = (0..n).map(|_| rng.pick(&words)).collect();
    let mut s = text.join(" ");
    s[..1].make_ascii_uppercase();
    s + "."
}

fn text(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn product(rng: &mut Rng, i: usize, domain: &str, team: &str, inputs: &[usize]) -> String {
    let name = format!("{} {} {i}", rng.pick(ENTITIES), rng.pick(SUFFIXES));
    let mut tags: Vec<&str> = (0..3).map(|_| rng.pick(TAGS)).collect();
    tags.sort();
    tags.dedup();
    let mut y = format!(
        "apiVersion: v1.0.0\nkind: DataProduct\nid: p{i:06}\nname: \"{name}\"\nversion: 1.0.0\nstatus: {}\n\
         domain: {domain}\ndescription:\n  purpose: \"{}\"\n  usage: \"{}\"\n  limitations: \"{}\"\ntags: [{}]\n",
        rng.pick(STATUSES),
        text(rng, 3),
        text(rng, 2),
        text(rng, 1),
        tags.join(", ")
    );
    if !inputs.is_empty() {
        y.push_str("inputPorts:\n");
        for c in inputs {
            let _ = write!(y, "  - name: in-{c}\n    version: 1.0.0\n    contractId: c{c:06}\n");
        }
    }
    let _ = write!(
        y,
        "outputPorts:\n  - name: out-{i}\n    version: 1.0.0\n    type: tables\n    contractId: c{i:06}\n"
    );
    let _ = write!(
        y,
        "support:\n  - channel: \"#{team}\"\n    url: https://chat.example.test/{team}\n    tool: slack\n\
         team:\n  name: {team}\n  members:\n    - {{username: owner-{team}@example.test, name: Owner of {team}, role: owner}}\n"
    );
    y
}

fn contract(rng: &mut Rng, i: usize, domain: &str) -> String {
    let mut y = format!(
        "apiVersion: v3.1.0\nkind: DataContract\nid: c{i:06}\nname: t{i:06}\nversion: 1.0.0\nstatus: active\n\
         domain: {domain}\ndescription:\n  purpose: \"{}\"\nschema:\n  - name: t{i:06}\n    physicalType: table\n\
         \x20   description: \"{}\"\n    properties:\n",
        text(rng, 2),
        sentence(rng)
    );
    for k in 0..6 + rng.below(9) {
        let _ = write!(
            y,
            "      - name: col_{k}_{}\n        logicalType: {}\n        classification: {}\n        description: \"{}\"\n",
            rng.pick(ENTITIES),
            rng.pick(TYPES),
            rng.pick(CLASSES),
            sentence(rng)
        );
    }
    let _ = write!(
        y,
        "servers:\n  - server: lakehouse\n    type: databricks\n    host: lakehouse.example.test\n    catalog: {domain}\n    schema: {domain}_gold\n"
    );
    y
}

/// Writes `<root>/meshport.toml` and `<root>/content/...` for `n` products.
pub fn generate(root: &Path, n: usize) {
    let mut rng = Rng(0x5EED_0F5E_A2C4_0001);
    let write = |rel: String, body: String| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    };
    write(
        "meshport.toml".into(),
        format!("title = \"Synthetic mesh of {n} products\"\n"),
    );
    for i in 0..n {
        let domain = if rng.below(10) < 7 {
            DOMAINS[i % DOMAINS.len()]
        } else {
            rng.pick(DOMAINS)
        };
        let team = format!("{domain}-team-{}", 1 + rng.below(3));
        let k = if i < 20 { 0 } else { rng.below(4) };
        let mut inputs: Vec<usize> = (0..k).map(|_| i.saturating_sub(500) + rng.below(i.min(500))).collect();
        inputs.sort();
        inputs.dedup();
        write(
            format!("content/products/{domain}/p{i:06}.odps.yaml"),
            product(&mut rng, i, domain, &team, &inputs),
        );
        write(
            format!("content/contracts/{domain}/c{i:06}.odcs.yaml"),
            contract(&mut rng, i, domain),
        );
    }
    let guide = format!(
        "---\ntitle: Getting started\n---\n# Getting started\n\n{}\n",
        text(&mut rng, 5)
    );
    write("content/guides/getting-started.md".into(), guide);
}

#[test]
fn the_benchmark_mesh_builds() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 40);
    let products = walkdir::WalkDir::new(dir.path().join("content/products"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".odps.yaml"))
        .count();
    assert_eq!(products, 40);
    let out = dir.path().join("public");
    crate::harness::build_site(dir.path(), &out);
    assert!(out.join("products/index.html").is_file());
}
