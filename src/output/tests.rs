use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn site(files: &[(&str, &str)]) -> Site {
    let mut s = Site::default();
    for (p, b) in files {
        s.add(p.to_string(), b.as_bytes().to_vec());
    }
    s
}

/// A mesh root and an area beside it for outputs, both inside a temporary directory.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mesh");
    std::fs::create_dir_all(root.join("content")).unwrap();
    (tmp, root)
}

fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = e.file_type().is_file().then(|| std::fs::read(e.path()).unwrap());
            (manifest::relative(dir, e.path()), bytes)
        })
        .collect()
}

#[test]
fn replaces_its_own_site_and_nothing_stays_beside_it() {
    let (tmp, root) = workspace();
    let out = root.join("public");
    write_site(&site(&[("index.html", "one"), ("old/page.html", "x")]), &root, &out).unwrap();
    let done = write_site(&site(&[("index.html", "two")]), &root, &out).unwrap();
    assert_eq!((done.files, done.pages), (1, 1));
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"two");
    assert!(!out.join("old").exists());
    assert_eq!(Manifest::read(&out).unwrap().unwrap().files.len(), 1);
    let beside: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 2, "only content/ and public/ remain: {beside:?}");
    drop(tmp);
}

#[test]
fn a_foreign_directory_is_refused_and_kept() {
    let (_tmp, root) = workspace();
    let out = root.join("public");
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join("CNAME"), "docs.example").unwrap();
    let err = write_site(&site(&[("index.html", "x")]), &root, &out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("meshport did not write it"), "{err}");
    assert_eq!(std::fs::read(out.join("CNAME")).unwrap(), b"docs.example");
    assert!(!root.join(".public.meshport-staging").exists());
}

#[test]
fn a_file_added_to_the_site_blocks_the_next_build() {
    let (_tmp, root) = workspace();
    let out = root.join("public");
    write_site(&site(&[("index.html", "one")]), &root, &out).unwrap();
    std::fs::write(out.join("CNAME"), "docs.example").unwrap();
    let err = write_site(&site(&[("index.html", "two")]), &root, &out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`CNAME`"), "{err}");
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
}

#[test]
fn an_interrupted_swap_is_restored_not_deleted() {
    let (_tmp, root) = workspace();
    let out = root.join("public");
    write_site(&site(&[("index.html", "previous")]), &root, &out).unwrap();
    // Killed between the two renames: the previous site sits aside, a staging dir beside it.
    std::fs::rename(&out, root.join(".public.meshport-old")).unwrap();
    std::fs::create_dir(root.join(".public.meshport-staging")).unwrap();
    Manifest::new(Default::default(), false)
        .write(&root.join(".public.meshport-staging"))
        .unwrap();
    let staging = Staging::begin(&root, &out).unwrap();
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"previous");
    assert!(
        staging.notes.iter().any(|n| n.contains("restored")),
        "{:?}",
        staging.notes
    );
    drop(staging);
    assert!(!root.join(".public.meshport-old").exists());
    assert!(!root.join(".public.meshport-staging").exists());
}

#[test]
fn a_failed_build_removes_its_staging_and_keeps_the_site() {
    let (_tmp, root) = workspace();
    let out = root.join("public");
    write_site(&site(&[("index.html", "previous")]), &root, &out).unwrap();
    let staging = Staging::begin(&root, &out).unwrap();
    staging.add("../escape.html".into(), b"x".to_vec());
    assert!(staging.failed());
    assert!(staging.commit().is_err());
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"previous");
    assert!(!root.join(".public.meshport-staging").exists());
    assert!(!root.join("escape.html").exists());
}

#[test]
fn a_second_build_waits_for_none_it_is_refused() {
    let (_tmp, root) = workspace();
    let out = root.join("public");
    let first = Staging::begin(&root, &out).unwrap();
    let err = Staging::begin(&root, &out).err().unwrap().to_string();
    assert!(err.contains("another meshport build"), "{err}");
    first.commit().unwrap();
    assert!(!root.join(".public.meshport-lock").exists());
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Absent,
    Empty,
    Owned,
    OwnedPlusForeign,
    Foreign,
    OldRelease,
}

#[derive(Debug, Clone, Copy)]
enum Leftover {
    Absent,
    Marked,
    Unmarked,
}

fn plant(dir: &Path, files: &[&str], marker: Option<&[&str]>) {
    std::fs::create_dir_all(dir).unwrap();
    for f in files {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, f.as_bytes()).unwrap();
    }
    if let Some(listed) = marker {
        Manifest::new(listed.iter().map(|s| s.to_string()).collect(), true)
            .write(dir)
            .unwrap();
    }
}

fn plant_target(out: &Path, t: Target) {
    match t {
        Target::Absent => {}
        Target::Empty => std::fs::create_dir(out).unwrap(),
        Target::Owned => plant(
            out,
            &["index.html", "a/b.html"],
            Some(&["index.html", "a/b.html", "gone.html"]),
        ),
        Target::OwnedPlusForeign => plant(out, &["index.html", "a/mine.txt"], Some(&["index.html"])),
        Target::Foreign => plant(out, &["notes.txt", ".git/HEAD"], None),
        Target::OldRelease => plant(out, &["index.html", "api/products.json"], None),
    }
}

fn plant_leftover(dir: &Path, l: Leftover) {
    match l {
        Leftover::Absent => {}
        Leftover::Marked => plant(dir, &["index.html", "p/x.html"], Some(&["index.html", "p/x.html"])),
        Leftover::Unmarked => plant(dir, &["keep.txt"], None),
    }
}

/// The directory carrying a marker that `path` lies in (itself included), before the build.
fn owner<'a>(path: &str, before: &'a BTreeMap<String, Option<Vec<u8>>>) -> Option<&'a str> {
    let mut candidates: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
    candidates.push(path);
    candidates
        .into_iter()
        .find(|d| before.contains_key(&format!("{d}/{MARKER}")))
        .and_then(|d| before.get_key_value(d).map(|(k, _)| k.as_str()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever lies at and beside the output, meshport removes only what sat in a directory
    /// carrying its marker, and from such a directory (other than its own staging) only files
    /// the manifest lists.
    #[test]
    fn only_marked_directories_are_ever_removed(
        target in prop::sample::select(vec![Target::Absent, Target::Empty, Target::Owned, Target::OwnedPlusForeign, Target::Foreign, Target::OldRelease]),
        staging in prop::sample::select(vec![Leftover::Absent, Leftover::Marked, Leftover::Unmarked]),
        old in prop::sample::select(vec![Leftover::Absent, Leftover::Marked, Leftover::Unmarked]),
    ) {
        let (tmp, root) = workspace();
        let area = tmp.path().join("area");
        std::fs::create_dir(&area).unwrap();
        let out = area.join("site");
        plant_target(&out, target);
        plant_leftover(&area.join(".site.meshport-staging"), staging);
        plant_leftover(&area.join(".site.meshport-old"), old);
        let before = tree(&area);
        let result = write_site(&site(&[("index.html", "new")]), &root, &out);
        let after = tree(&area);
        for (path, bytes) in &before {
            if after.get(path) == Some(bytes) || path.ends_with(MARKER) {
                continue;
            }
            let dir = owner(path, &before);
            prop_assert!(dir.is_some(), "{path} was removed or changed but no marker covered it ({target:?}, {staging:?}, {old:?}, {result:?})");
            let dir = dir.unwrap();
            if bytes.is_some() && !dir.ends_with("meshport-staging") && !after.contains_key(&path.replacen(".site.meshport-old", "site", 1)) {
                let rel = &path[dir.len() + 1..];
                let manifest: Option<Manifest> = before.get(&format!("{dir}/{MARKER}")).cloned().flatten().and_then(|b| serde_json::from_slice(&b).ok());
                prop_assert!(manifest.is_some_and(|m| m.files.contains(rel)), "{path} was not in the manifest of {dir}");
            }
        }
    }
}
