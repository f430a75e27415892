//! What meshport does with files that are not plain descriptors: FIFOs, sockets and links
//! anywhere in the mesh, hidden files in static/, files published at the site root from root/,
//! and files named like descriptors or pages that are not rendered. Every run has a time
//! limit, so a regression that blocks on a FIFO fails instead of hanging the suite.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Far above a normal run of the small fixture, far below forever.
const LIMIT: Duration = Duration::from_secs(120);

/// Runs meshport with a time limit; a run that had to be killed fails the test.
fn run_limited(args: &[&str]) -> Run {
    let out = meshport().args(args).timeout(LIMIT).output().expect("run meshport");
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("meshport {args:?} did not finish within {LIMIT:?} (killed)"));
    Run {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check_limited(root: &Path) -> (i32, Vec<Finding>) {
    let r = run_limited(&["check", "--root", root.to_str().unwrap(), "--format", "json"]);
    let report: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("no JSON ({e}):\n{}\n{}", r.stdout, r.stderr));
    let all = ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(&report, s))
        .collect();
    (r.code, all)
}

fn build_limited(root: &Path) -> Run {
    run_limited(&["build", "--root", root.to_str().unwrap(), "--quiet"])
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn has(findings: &[Finding], rule: &str, severity: &str, file: &str) -> bool {
    findings.contains(&finding(rule, severity, file, 1, 1))
}

#[cfg(unix)]
#[test]
fn fifo_as_meshport_toml_is_a_finding_not_a_hang() {
    let mesh = copy_fixture("valid-legacy");
    std::fs::remove_file(mesh.path().join("meshport.toml")).unwrap();
    mkfifo(&mesh.path().join("meshport.toml"));
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 1);
    assert!(has(&f, "source.special-file", "error", "meshport.toml"), "{f:#?}");
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        has_human_finding(
            &r.stderr,
            "meshport.toml:1:1",
            "error[source.special-file]: a FIFO (named pipe)"
        ),
        "{}",
        r.stderr
    );
    assert!(!mesh.path().join("public").exists());
}

#[cfg(unix)]
#[test]
fn fifo_descriptor_is_a_finding_not_skipped() {
    let mesh = copy_fixture("valid-legacy");
    mkfifo(&mesh.path().join("content/products/x.odps.yaml"));
    mkfifo(&mesh.path().join("content/governance/rules/deny.rego"));
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 1);
    assert!(
        has(&f, "source.special-file", "error", "content/products/x.odps.yaml"),
        "{f:#?}"
    );
    assert!(
        has(&f, "source.special-file", "error", "content/governance/rules/deny.rego"),
        "{f:#?}"
    );
}

#[cfg(unix)]
#[test]
fn socket_in_content_is_a_finding() {
    let mesh = copy_fixture("valid-legacy");
    let _listener =
        std::os::unix::net::UnixListener::bind(mesh.path().join("content/products/agent.odps.yaml")).unwrap();
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 1);
    let got: Vec<_> = f.iter().filter(|f| f.rule == "source.special-file").collect();
    assert_eq!(
        got,
        [&finding(
            "source.special-file",
            "error",
            "content/products/agent.odps.yaml",
            1,
            1
        )]
    );
}

#[cfg(unix)]
#[test]
fn fifo_in_templates_or_as_a_schema_is_a_finding() {
    let mesh = copy_fixture("valid-legacy");
    mkfifo(&mesh.path().join("templates/product.html"));
    mkfifo(&mesh.path().join("schemas/org.json"));
    let config = std::fs::read_to_string(mesh.path().join("meshport.toml")).unwrap();
    std::fs::write(
        mesh.path().join("meshport.toml"),
        format!("{config}\n[schemas]\nproduct = [\"schemas/org.json\"]\n"),
    )
    .unwrap();
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 1);
    assert!(
        has(&f, "source.special-file", "error", "templates/product.html"),
        "{f:#?}"
    );
    assert!(has(&f, "source.special-file", "error", "schemas/org.json"), "{f:#?}");
}

#[cfg(unix)]
#[test]
fn fifo_in_static_fails_the_build_and_writes_nothing() {
    let mesh = copy_fixture("valid-legacy");
    write(mesh.path(), "static/app.css", "body {}");
    mkfifo(&mesh.path().join("static/feed.json"));
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 1);
    assert!(has(&f, "source.special-file", "error", "static/feed.json"), "{f:#?}");
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!mesh.path().join("public").exists());
}

#[cfg(unix)]
#[test]
fn symlink_in_static_is_reported_and_not_published() {
    let mesh = copy_fixture("valid-legacy");
    write(mesh.path(), "static/app.css", "body {}");
    std::os::unix::fs::symlink("/etc/hostname", mesh.path().join("static/host.txt")).unwrap();
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 0);
    assert!(has(&f, "source.symlink", "warning", "static/host.txt"), "{f:#?}");
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(mesh.path().join("public/static/app.css").is_file());
    assert!(
        std::fs::symlink_metadata(mesh.path().join("public/static/host.txt")).is_err(),
        "a link in static/ must not be published"
    );
}

#[test]
fn dotfiles_in_static_are_noted_and_not_published() {
    let mesh = copy_fixture("valid-legacy");
    write(mesh.path(), "static/app.css", "body {}");
    write(mesh.path(), "static/.env", "SECRET=1");
    write(mesh.path(), "static/.git/config", "[core]");
    write(mesh.path(), "static/img/.hidden.png", "png");
    // Editor leftovers are skipped without a word.
    write(mesh.path(), "static/app.css~", "old");
    write(mesh.path(), "static/.app.css.swp", "swap");
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 0);
    let notes: Vec<&str> = f
        .iter()
        .filter(|f| f.rule == "static.hidden")
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(
        notes,
        ["static/.env", "static/.git", "static/img/.hidden.png"],
        "{f:#?}"
    );
    assert!(f.iter().all(|f| f.severity == "info" || f.rule != "static.hidden"));
    assert!(!f.iter().any(|f| f.file.contains("app.css")), "{f:#?}");
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let site = read_tree(&mesh.path().join("public"));
    assert!(site.contains_key("static/app.css"));
    let leaked: Vec<&String> = site
        .keys()
        .filter(|k| k.contains("/.") || k.starts_with('.') || k.ends_with('~'))
        .collect();
    assert!(
        leaked.iter().all(|k| !k.starts_with("static/")),
        "hidden or editor files published: {leaked:?}"
    );
}

#[test]
fn root_files_are_published_at_the_site_root() {
    let mesh = copy_fixture("valid-legacy");
    write(mesh.path(), "root/CNAME", "portal.example.com\n");
    write(mesh.path(), "root/robots.txt", "User-agent: *\n");
    write(
        mesh.path(),
        "root/.well-known/security.txt",
        "Contact: mailto:security@example.com\n",
    );
    write(mesh.path(), "root/.meshport", "from root/");
    write(mesh.path(), "root/.env", "SECRET=1");
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 0, "{f:#?}");
    let notes: Vec<&str> = f
        .iter()
        .filter(|f| f.rule == "static.hidden")
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(notes, ["root/.env", "root/.meshport"]);
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let public = mesh.path().join("public");
    assert_eq!(
        std::fs::read_to_string(public.join("CNAME")).unwrap(),
        "portal.example.com\n"
    );
    assert_eq!(
        std::fs::read_to_string(public.join("robots.txt")).unwrap(),
        "User-agent: *\n"
    );
    assert!(std::fs::read_to_string(public.join(".well-known/security.txt"))
        .unwrap()
        .starts_with("Contact:"));
    assert!(!public.join(".env").exists());
    // `.meshport` at the site root belongs to meshport's output manifest, never to root/.
    assert_ne!(
        std::fs::read_to_string(public.join(".meshport")).ok().as_deref(),
        Some("from root/")
    );
    assert!(public.join("index.html").is_file());
}

#[test]
fn root_file_over_a_generated_page_is_refused_naming_both() {
    let mesh = copy_fixture("valid-legacy");
    write(mesh.path(), "root/index.html", "<h1>mine</h1>");
    write(mesh.path(), "root/products/extra.html", "<h1>mine</h1>");
    write(mesh.path(), "root/CNAME", "portal.example.com\n");
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 1);
    assert!(has(&f, "static.root-collision", "error", "root/index.html"), "{f:#?}");
    assert!(
        has(&f, "static.root-collision", "error", "root/products/extra.html"),
        "{f:#?}"
    );
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("`root/index.html` would replace `index.html`, the home page"),
        "{}",
        r.stderr
    );
    assert!(!mesh.path().join("public").exists());
}

/// The names root/ may not take are every top-level entry a build writes.
#[test]
fn every_generated_top_level_name_is_reserved() {
    let mesh = copy_fixture("valid-legacy");
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    for entry in std::fs::read_dir(mesh.path().join("public")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with('.') {
            continue; // the output's own marker, never from root/
        }
        assert!(
            meshport::render::reserved::is_generated(&name),
            "`{name}` is generated but root/ files may take it"
        );
    }
}

#[test]
fn files_named_like_descriptors_or_pages_are_reported() {
    let mesh = copy_fixture("valid-legacy");
    write(mesh.path(), "content/products/notes.yaml", "owner: someone\n");
    write(mesh.path(), "content/guides/start.markdown", "# Start\n");
    write(mesh.path(), "content/guides/about.html", "<p>about</p>\n");
    write(mesh.path(), "content/products/inventory.odps.yaml.orig", "id: old\n");
    // Not descriptors by name, and editor leftovers: silent.
    write(mesh.path(), "content/guides/diagram.png", "png");
    write(mesh.path(), "content/products/inventory.odps.yaml~", "id: old\n");
    write(mesh.path(), "content/products/.inventory.odps.yaml.swp", "swap");
    write(mesh.path(), "content/products/#inventory.odps.yaml#", "autosave");
    let (code, f) = check_limited(mesh.path());
    assert_eq!(code, 0, "{f:#?}");
    let mut got: Vec<&str> = f
        .iter()
        .filter(|f| f.rule == "source.unrecognised")
        .map(|f| f.file.as_str())
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "content/guides/about.html",
            "content/guides/start.markdown",
            "content/products/inventory.odps.yaml.orig",
            "content/products/notes.yaml"
        ]
    );
    assert!(f
        .iter()
        .filter(|f| f.rule == "source.unrecognised")
        .all(|f| f.severity == "warning"));
    let noise = ["diagram.png", "yaml~", ".swp", "yaml#"];
    assert!(!f.iter().any(|f| noise.iter().any(|n| f.file.ends_with(n))), "{f:#?}");
}

/// A FIFO where git keeps the mailmap must not hang `build` either (git history is read
/// in-process); the build goes on without a mailmap.
#[cfg(unix)]
#[test]
fn fifo_as_the_git_mailmap_does_not_hang_the_build() {
    let mesh = copy_fixture("valid-legacy");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.test",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(mesh.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", mesh.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "mesh"]);
    mkfifo(&mesh.path().join(".mailmap"));
    let r = build_limited(mesh.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(mesh.path().join("public/index.html").is_file());
}
