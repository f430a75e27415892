//! What `build --output` will and will not replace. Every case runs inside a temporary
//! directory it created: the places meshport must refuse (a home, a mesh, its parents) are
//! stand-ins made there, never the real ones.

use crate::common::*;
use std::path::Path;

/// `meshport build` with `dir` as the working directory and `home` as `$HOME`.
fn build_in(dir: &Path, home: &Path, args: &[&str]) -> Run {
    let mut cmd = meshport();
    cmd.current_dir(dir)
        .env("HOME", home)
        .arg("build")
        .arg("--quiet")
        .args(args);
    let out = cmd.output().expect("run meshport");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A copy of the basic mesh at `<tmp>/work/mesh`, with `<tmp>/home` standing in for `$HOME`.
fn mesh_and_home() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let mesh = tmp.path().join("work/mesh");
    copy_dir(&fixture_dir("valid-basic"), &mesh);
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(".bashrc"), "export PATH\n").unwrap();
    (tmp, home, mesh)
}

fn assert_refused(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "a refused output must exit 2\nstderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "stderr does not say `{needle}`:\n{}",
        r.stderr
    );
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".meshport-"))
        .collect()
}

#[test]
fn home_mesh_root_parents_and_sources_are_refused_and_kept() {
    let (tmp, home, mesh) = mesh_and_home();
    let before = read_tree(tmp.path());
    let cases = [
        (home.clone(), "home directory"),
        (mesh.clone(), "the mesh root"),
        (tmp.path().to_path_buf(), "contains the mesh"),
        (mesh.join("content"), "inside the mesh's content/"),
        (mesh.join("content/products/site"), "inside the mesh's content/"),
        (mesh.join("static"), "inside the mesh's static/"),
    ];
    for (out, needle) in cases {
        let r = build_in(&mesh, &home, &["--output", out.to_str().unwrap()]);
        assert_refused(&r, needle);
    }
    assert!(read_tree(tmp.path()) == before, "a refused build changed files");
}

#[test]
fn dot_and_dot_dot_are_refused_and_leave_nothing_behind() {
    let (tmp, home, mesh) = mesh_and_home();
    for out in [".", ".."] {
        let r = build_in(&mesh, &home, &["--output", out]);
        assert_refused(&r, "refusing to write the site");
    }
    let work = tmp.path().join("work");
    assert!(
        leftovers(&mesh).is_empty() && leftovers(&work).is_empty(),
        "temporary directories left: {:?} {:?}",
        leftovers(&mesh),
        leftovers(&work)
    );
    drop(home);
}

#[test]
fn the_git_top_level_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&fixture_dir("valid-basic"), &repo.join("mesh"));
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let r = build_in(tmp.path(), tmp.path(), &["--root", "repo/mesh", "--output", "repo"]);
    assert_refused(&r, "contains the mesh");
    assert!(repo.join(".git").is_dir());
}

#[test]
fn a_file_or_foreign_directory_is_refused_with_its_entries_named() {
    let (_tmp, home, mesh) = mesh_and_home();
    let file = mesh.join("site.html");
    std::fs::write(&file, "mine").unwrap();
    assert_refused(
        &build_in(&mesh, &home, &["--output", "site.html"]),
        "a file of that name exists",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");

    let pages = mesh.join("gh-pages");
    std::fs::create_dir_all(pages.join(".git")).unwrap();
    std::fs::write(pages.join("CNAME"), "docs.example").unwrap();
    assert_refused(
        &build_in(&mesh, &home, &["--output", "gh-pages"]),
        "meshport did not write it",
    );
    assert_eq!(std::fs::read_to_string(pages.join("CNAME")).unwrap(), "docs.example");
}

#[test]
fn its_own_site_is_replaced_but_not_once_someone_added_to_it() {
    let (_tmp, home, mesh) = mesh_and_home();
    let out = mesh.join("public");
    let first = build_in(&mesh, &home, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let marker: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join(".meshport")).unwrap()).unwrap();
    assert_eq!(marker["generator"], "meshport");
    assert!(marker["files"].as_array().unwrap().iter().any(|f| f == "index.html"));
    assert_eq!(
        build_in(&mesh, &home, &[]).code,
        0,
        "meshport's own site must be replaceable"
    );

    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join("CNAME"), "docs.example").unwrap();
    let r = build_in(&mesh, &home, &[]);
    assert_refused(&r, "`.git`, `CNAME`");
    assert!(out.join("index.html").is_file() && out.join(".git").is_dir());
}

#[test]
fn a_site_from_before_the_marker_gets_its_own_message() {
    let (_tmp, home, mesh) = mesh_and_home();
    let out = mesh.join("public");
    std::fs::create_dir_all(out.join("api")).unwrap();
    std::fs::write(out.join("index.html"), "old").unwrap();
    std::fs::write(out.join("api/products.json"), "{}").unwrap();
    let r = build_in(&mesh, &home, &[]);
    assert_refused(&r, "from before output ownership markers");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
}

#[test]
fn a_killed_build_is_cleaned_up_and_the_only_copy_restored() {
    let (_tmp, home, mesh) = mesh_and_home();
    assert_eq!(build_in(&mesh, &home, &[]).code, 0);
    // As if killed between its two renames: the site moved aside, a staging dir beside it.
    std::fs::rename(mesh.join("public"), mesh.join(".public.meshport-old")).unwrap();
    std::fs::create_dir(mesh.join(".public.meshport-staging")).unwrap();
    std::fs::write(
        mesh.join(".public.meshport-staging/.meshport"),
        r#"{"generator":"meshport","version":"0","complete":false,"files":[]}"#,
    )
    .unwrap();
    let r = build_in(&mesh, &home, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("restored the previous site"), "{}", r.stderr);
    assert!(mesh.join("public/index.html").is_file());
    assert!(leftovers(&mesh).is_empty(), "left behind: {:?}", leftovers(&mesh));
}
