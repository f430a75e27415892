//! The site `serve` answers from. A rebuild makes only what is cheap and shared (the sitemap
//! and the static assets; the JSON API and the search records when first needed); a page is
//! rendered the first time it is asked for and
//! kept until the next rebuild, so a save costs one load of the mesh plus the pages the open
//! tabs reload, not the whole site. The search index compiles on its own thread and joins the
//! site when it is ready.

use super::state::Served;
use crate::output::{MemorySink, Site as Files};
use crate::render::search::Record;
use crate::site::Site;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

pub struct LiveSite {
    site: Site,
    /// Every page's URL, with its job's place in the renderer's job groups: (group, job).
    pages: BTreeMap<String, (usize, usize)>,
    /// The search records, made on first need: by the search page's facets or by the index.
    records: OnceLock<Vec<Record>>,
    /// The sitemap and static files, made at each rebuild.
    files: Files,
    /// The JSON API, made when something under `api/` is first asked for.
    api: OnceLock<Files>,
    search: RwLock<Option<Arc<Files>>>,
    rendered: Mutex<HashMap<String, Arc<[u8]>>>,
}

/// The search page is the one page whose view is counted from the search records.
const SEARCH_PAGE: &str = "search.html";

impl LiveSite {
    /// Makes the sitemap and static files and lists the pages; renders none of them.
    pub fn new(site: Site) -> anyhow::Result<LiveSite> {
        let renderer = site.renderer();
        let mut pages = BTreeMap::new();
        let mut jobs = Vec::new();
        for (g, group) in renderer.job_groups(&[]).iter().enumerate() {
            for (j, job) in group().into_iter().enumerate() {
                pages.insert(job.url.clone(), (g, j));
                jobs.push(job);
            }
        }
        let sink = MemorySink::default();
        renderer.write_sitemap_and_static(&jobs, &site.root, &sink)?;
        drop(jobs);
        Ok(LiveSite {
            site,
            pages,
            records: OnceLock::new(),
            files: sink.into_site(),
            api: OnceLock::new(),
            search: RwLock::new(None),
            rendered: Mutex::new(HashMap::new()),
        })
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn records(&self) -> &[Record] {
        self.records.get_or_init(|| self.site.renderer().records())
    }

    fn api(&self) -> &Files {
        self.api.get_or_init(|| {
            let sink = MemorySink::default();
            self.site.renderer().write_api(&sink);
            sink.into_site()
        })
    }

    /// Compiles the search index on its own thread; `done` hears how long it took.
    pub fn index_in_background(
        self: &Arc<Self>,
        done: impl FnOnce(std::time::Duration, anyhow::Result<()>) + Send + 'static,
    ) {
        let live = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("meshport-search".into())
            .spawn(move || {
                lower_priority();
                let started = std::time::Instant::now();
                let sink = MemorySink::default();
                let result = crate::render::search::start(live.records().to_vec()).finish(&sink);
                if result.is_ok() {
                    *live.search.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(sink.into_site()));
                }
                done(started.elapsed(), result);
            });
        if let Err(e) = spawned {
            eprintln!("warning: search is not available in this preview: cannot start its thread ({e})");
        }
    }

    /// Answers with `previous`'s search index until this site's own is ready.
    pub fn inherit_search(&self, previous: &LiveSite) {
        let old = previous.search.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut mine = self.search.write().unwrap_or_else(|e| e.into_inner());
        if mine.is_none() {
            *mine = old;
        }
    }

    /// Renders one page of the current mesh, making only the jobs of its group.
    fn render(&self, (group, job): (usize, usize)) -> anyhow::Result<Vec<u8>> {
        let renderer = self.site.renderer();
        let records = if self.pages.get(SEARCH_PAGE) == Some(&(group, job)) {
            self.records()
        } else {
            &[]
        };
        let jobs = renderer.job_groups(records)[group]();
        renderer.render(&jobs[job])
    }
}

/// The index is the one part of a rebuild nobody waits for: on a machine with few cores it must
/// not slow the next save's rebuild. Linux keeps a nice value per thread, and the threads
/// Pagefind starts from this one inherit it.
#[allow(unsafe_code)]
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; `0` names the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 15);
    }
}

impl Served for LiveSite {
    fn get(&self, path: &str) -> Option<Result<Arc<[u8]>, String>> {
        if let Some(bytes) = self.files.get(path) {
            return Some(Ok(Arc::from(bytes)));
        }
        if path.starts_with("api/") {
            return self.api().get(path).map(|b| Ok(Arc::from(b)));
        }
        if let Some(index) = self.pages.get(path) {
            if let Some(done) = self.rendered.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
                return Some(Ok(done.clone()));
            }
            let bytes: Arc<[u8]> = match self.render(*index) {
                Ok(b) => Arc::from(b),
                Err(e) => return Some(Err(format!("{e:#}"))),
            };
            self.rendered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_string(), bytes.clone());
            return Some(Ok(bytes));
        }
        let search = self.search.read().unwrap_or_else(|e| e.into_inner());
        search.as_ref().and_then(|s| s.get(path)).map(|b| Ok(Arc::from(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::state::Published;
    use crate::source::ReadCache;
    use proptest::prelude::*;
    use std::path::Path;

    const URL: &str = "http://127.0.0.1:1/";

    /// Edits a domain team makes between two saves.
    #[derive(Debug, Clone)]
    enum Edit {
        Purpose(usize, u8),
        BreakYaml(usize),
        RemoveProduct(usize),
        AddProduct(u8),
        RetireProduct(usize),
        RenameTeam(u8),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (0..3usize, any::<u8>()).prop_map(|(i, n)| Edit::Purpose(i, n)),
            (0..3usize).prop_map(Edit::BreakYaml),
            (0..3usize).prop_map(Edit::RemoveProduct),
            any::<u8>().prop_map(Edit::AddProduct),
            (0..3usize).prop_map(Edit::RetireProduct),
            any::<u8>().prop_map(Edit::RenameTeam),
        ]
    }

    fn products(root: &Path) -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(root.join("content/products"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }

    fn apply(root: &Path, e: &Edit) {
        let files = products(root);
        let pick = |i: usize| files.get(i % files.len().max(1)).cloned();
        let rewrite =
            |p: &Path, f: &dyn Fn(String) -> String| std::fs::write(p, f(std::fs::read_to_string(p).unwrap())).unwrap();
        match e {
            Edit::Purpose(i, n) => pick(*i).into_iter().for_each(|p| rewrite(&p, &|t| t.replacen("purpose: ", &format!("purpose: Edit {n}. "), 1))),
            Edit::BreakYaml(i) => pick(*i).into_iter().for_each(|p| rewrite(&p, &|t| t + "broken: [\n")),
            Edit::RemoveProduct(i) => pick(*i).into_iter().for_each(|p| std::fs::remove_file(p).unwrap()),
            Edit::AddProduct(n) => std::fs::write(
                root.join(format!("content/products/new-{n}.odps.yaml")),
                format!("apiVersion: v1.0.0\nkind: DataProduct\nid: sales-new-{n}\nname: New {n}\nstatus: active\ndomain: sales\ninputPorts:\n  - name: in\n    version: 1.0.0\n    contractId: sales-orders-contract\nteam:\n  name: sales-team\n"),
            )
            .unwrap(),
            Edit::RetireProduct(i) => pick(*i).into_iter().for_each(|p| rewrite(&p, &|t| t.replacen("status: active", "status: retired", 1))),
            Edit::RenameTeam(n) => rewrite(&root.join("content/teams/sales-team.md"), &|t| t.replacen("name: ", &format!("name: Team {n} "), 1)),
        }
    }

    fn copy_dir(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from).min_depth(1) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// What `build` writes for the mesh as it is now, in memory.
    fn fresh(root: &Path) -> Option<Files> {
        let mut loaded = crate::site::load(root, Some(URL)).unwrap();
        let git = crate::site::read_git(root, &mut loaded);
        if loaded.diags.has_errors() {
            return None;
        }
        let site = Site::prepare(root, loaded, git, &crate::lineage::LayoutCache::with_limit(0)).unwrap();
        let sink = MemorySink::default();
        site.render(&sink, &|_, _| {}).unwrap();
        Some(sink.into_site())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// After any sequence of edits, each rebuilt with the parse cache of the one before,
        /// every page and file served equals what a fresh build writes (search bundle aside).
        #[test]
        fn served_pages_equal_a_fresh_build(edits in prop::collection::vec(edit(), 1..5)) {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path();
            copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-basic"), root);
            let (cache, layouts) = (ReadCache::default(), crate::lineage::LayoutCache::default());
            super::super::rebuild(root, URL, &cache, &layouts).unwrap();
            for e in &edits {
                apply(root, e);
                let report = super::super::rebuild(root, URL, &cache, &layouts).unwrap();
                let expected = fresh(root);
                match (&report.result, expected) {
                    (Published::Good(_), Some(files)) => {
                        let live = report.live.as_ref().unwrap();
                        prop_assert_eq!(live.page_count(), files.pages());
                        for path in files.paths().filter(|p| !p.starts_with("pagefind/")) {
                            let served = live.get(path).unwrap_or_else(|| panic!("{path} not served after {e:?}")).unwrap();
                            prop_assert!(&served[..] == files.get(path).unwrap(), "{} differs from a fresh build after {:?}", path, e);
                        }
                    }
                    (Published::Failed(_), None) => {}
                    (got, want) => prop_assert!(false, "rebuild {} but a fresh load {} after {:?}", matches!(got, Published::Good(_)), want.is_some(), e),
                }
            }
        }
    }
}
