//! Git facts on the portal: last change, history, edit links, and the one note when git
//! cannot tell (outside a repository, shallow clone, no commits yet).

use crate::common::*;
use std::path::Path;

const PRODUCT: &str = "products/sales-orders.html";
const OTHER_PRODUCT: &str = "products/finance-order-revenue.html";
const CONTRACT: &str = "contracts/sales-orders-contract-1-0-0.html";
const GUIDE: &str = "guides/consume-orders.html";

/// Runs `git` in `dir` as a fixed person at a fixed time, isolated from the user's config.
fn git_as(dir: &Path, who: (&str, &str), date: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", who.0)
        .env("GIT_COMMITTER_EMAIL", who.1)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

const ANA: (&str, &str) = ("Ana Perez", "ana@old.example.test");
/// Ana on another machine: the mailmap maps her back to "Ana Perez".
const ANA_LAPTOP: (&str, &str) = ("ana", "ana@laptop.example.test");
const BO: (&str, &str) = ("Bo Kim", "bo@example.test");

fn git(dir: &Path, args: &[&str]) -> String {
    git_as(dir, BO, "2024-01-01T00:00:00Z", args)
}

fn commit_all(dir: &Path, who: (&str, &str), date: &str, subject: &str) -> String {
    git_as(dir, who, date, &["add", "-A"]);
    git_as(dir, who, date, &["commit", "-q", "-m", subject]);
    git(dir, &["rev-parse", "--short=7", "HEAD"])
}

fn append(path: &Path, text: &str) {
    let mut s = std::fs::read_to_string(path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

/// Text of the "Last changed …" line of a page (the first one: the page header).
fn last_changed_line(html: &str) -> Option<String> {
    let start = html.find("<p class=\"last-change")?;
    let end = start + html[start..].find("</p>")?;
    Some(visible_text(&html[start..end]))
}

/// The History section's entries as visible text, in page order.
fn history(html: &str) -> Vec<String> {
    let Some(start) = html.find("<section class=\"section history\"") else {
        return Vec::new();
    };
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    section
        .split("<li>")
        .skip(1)
        .map(|li| visible_text(li.split("</li>").next().unwrap()))
        .collect()
}

/// A repository whose mesh lives in `portal/` (not the repository root), with four commits:
/// Ana adds everything, Bo edits the orders contract, Ana (from her laptop, mailmapped)
/// edits the orders product late in the evening west of UTC, Bo edits another product.
struct History {
    repo: tempfile::TempDir,
    ids: [String; 4],
}

fn history_repo() -> History {
    let repo = tempfile::tempdir().unwrap();
    let mesh = repo.path().join("portal");
    copy_dir(&fixture_dir("valid-basic"), &mesh);
    append(
        &mesh.join("meshport.toml"),
        "\n[repository]\nurl = \"https://github.com/example/mesh\"\nbranch = \"trunk\"\n",
    );
    std::fs::write(
        repo.path().join(".mailmap"),
        "Ana Perez <ana@old.example.test> <ana@laptop.example.test>\n",
    )
    .unwrap();
    git(repo.path(), &["init", "-q", "-b", "trunk"]);
    let c1 = commit_all(
        repo.path(),
        ANA,
        "2024-01-10T09:00:00Z",
        "Add the sales and finance mesh",
    );
    append(&mesh.join("content/contracts/orders.odcs.yaml"), "tags: [orders]\n");
    let c2 = commit_all(repo.path(), BO, "2024-02-20T12:00:00+01:00", "Tag the orders contract");
    append(&mesh.join("content/products/orders.odps.yaml"), "x-reviewed: yes\n");
    // 23:30 at UTC-5 is already the next day in UTC.
    let c3 = commit_all(
        repo.path(),
        ANA_LAPTOP,
        "2024-03-05T23:30:00-05:00",
        "Mark orders as reviewed",
    );
    append(
        &mesh.join("content/products/order-revenue.odps.yaml"),
        "x-reviewed: yes\n",
    );
    let c4 = commit_all(repo.path(), BO, "2024-04-01T08:00:00Z", "Mark revenue as reviewed");
    History {
        repo,
        ids: [c1, c2, c3, c4],
    }
}

#[test]
fn pages_show_last_change_history_and_edit_links() {
    let h = history_repo();
    let [c1, c2, c3, c4] = &h.ids;
    let mesh = h.repo.path().join("portal");
    // A new guide nobody has committed yet.
    std::fs::write(
        mesh.join("content/guides/draft.md"),
        "---\ntitle: Draft guide\n---\n\nSoon.\n",
    )
    .unwrap();
    let r = build(&mesh, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("git."),
        "a full repository needs no git note:\n{}",
        r.stderr
    );
    let site = mesh.join("public");

    let product = read(&site, PRODUCT);
    assert_eq!(
        last_changed_line(&product).unwrap(),
        format!("Last changed 2024-03-06 by Ana Perez ({c3})")
    );
    assert_eq!(
        history(&product),
        [
            format!("2024-03-06 Ana Perez {c3} Mark orders as reviewed"),
            format!("2024-02-20 Bo Kim {c2} Tag the orders contract"),
            format!("2024-01-10 Ana Perez {c1} Add the sales and finance mesh"),
        ]
    );
    assert!(
        !product.contains(c4.as_str()),
        "the history of orders lists a commit that only touched another product"
    );
    let edit = "https://github.com/example/mesh/edit/trunk/portal/content/products/orders.odps.yaml";
    assert!(
        hrefs(&product).iter().any(|h| h == edit),
        "no edit link {edit} in {:?}",
        hrefs(&product)
    );
    let full_c3 = git(h.repo.path(), &["rev-parse", "HEAD~1"]);
    let commit_link = format!("https://github.com/example/mesh/commit/{full_c3}");
    assert!(hrefs(&product).contains(&commit_link), "no commit link {commit_link}");

    let contract = read(&site, CONTRACT);
    assert_eq!(
        last_changed_line(&contract).unwrap(),
        format!("Last changed 2024-02-20 by Bo Kim ({c2})")
    );
    assert_eq!(
        last_changed_line(&read(&site, OTHER_PRODUCT)).unwrap(),
        format!("Last changed 2024-04-01 by Bo Kim ({c4})")
    );
    let guide = read(&site, GUIDE);
    assert_eq!(
        last_changed_line(&guide).unwrap(),
        format!("Last changed 2024-01-10 by Ana Perez ({c1})")
    );
    assert!(hrefs(&guide)
        .iter()
        .any(|h| h == "https://github.com/example/mesh/edit/trunk/portal/content/guides/consume-orders.md"));
    assert_eq!(
        last_changed_line(&read(&site, "guides/draft.html")).unwrap(),
        "Not committed yet"
    );
}

#[test]
fn builds_of_one_commit_are_byte_identical() {
    let h = history_repo();
    let mesh = h.repo.path().join("portal");
    let (one, two) = (h.repo.path().join("one"), h.repo.path().join("two"));
    build_ok(&mesh, &["--output", one.to_str().unwrap()]);
    build_ok(&mesh, &["--output", two.to_str().unwrap()]);
    assert!(
        read_tree(&one) == read_tree(&two),
        "two builds of the same commit differ"
    );
}

/// The findings of one rule family in build's stderr.
fn git_notes(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains("[git.")).collect()
}

#[test]
fn outside_a_repository_the_build_says_so_once() {
    let mesh = copy_fixture("valid-basic");
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(git_notes(&r.stderr), ["info[git.unavailable]: the mesh is not in a git repository: pages show no last-change dates, authors or history"]);
    let product = read(&mesh.path().join("public"), PRODUCT);
    assert_eq!(last_changed_line(&product), None);
    assert!(history(&product).is_empty());
    // check is about the mesh, not its history: no note there.
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0);
    assert!(!report.to_string().contains("git.unavailable"), "{report:#}");
}

#[test]
fn shallow_clone_shows_only_what_its_history_proves() {
    let h = history_repo();
    let [_, _, _, c4] = &h.ids;
    let clone = h.repo.path().join("clone");
    let url = format!("file://{}", h.repo.path().display());
    git(
        h.repo.path(),
        &["clone", "-q", "--depth", "2", &url, clone.to_str().unwrap()],
    );
    let mesh = clone.join("portal");
    let r = build(&mesh, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let notes = git_notes(&r.stderr);
    assert_eq!(notes.len(), 1, "{}", r.stderr);
    assert!(
        notes[0].starts_with("info[git.shallow]: the repository is a shallow clone"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("fetch-depth: 0"),
        "the note does not say how to fix it:\n{}",
        r.stderr
    );
    let site = mesh.join("public");
    // The newest commit's parent is in the clone: its change is known.
    assert_eq!(
        last_changed_line(&read(&site, OTHER_PRODUCT)).unwrap(),
        format!("Last changed 2024-04-01 by Bo Kim ({c4})")
    );
    // The oldest commit of the clone has no parent to compare with: no date is better than a wrong one.
    assert_eq!(last_changed_line(&read(&site, PRODUCT)), None);
    assert_eq!(last_changed_line(&read(&site, GUIDE)), None);
}

#[test]
fn repository_without_commits_says_not_committed_yet() {
    let mesh = copy_fixture("valid-basic");
    git(mesh.path(), &["init", "-q"]);
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let notes = git_notes(&r.stderr);
    assert_eq!(notes.len(), 1, "{}", r.stderr);
    assert!(notes[0].starts_with("info[git.no-commits]"), "{}", r.stderr);
    assert_eq!(
        last_changed_line(&read(&mesh.path().join("public"), PRODUCT)).unwrap(),
        "Not committed yet"
    );
}

#[test]
fn non_http_repository_url_is_refused_with_a_finding() {
    let mesh = copy_fixture("valid-basic");
    append(
        &mesh.path().join("meshport.toml"),
        "\n[repository]\nurl = \"javascript:alert(1)\"\n",
    );
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    let got = findings(&report, "error");
    assert_eq!(
        got,
        [finding("config.repository-url", "error", "meshport.toml", 6, 8)],
        "{report:#}"
    );
}

#[test]
fn policies_set_the_level_of_git_notes() {
    let mesh = copy_fixture("valid-basic");
    std::fs::write(
        mesh.path().join("content/governance/policies.yaml"),
        "rules:\n  git.unavailable: off\n",
    )
    .unwrap();
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(git_notes(&r.stderr), Vec::<&str>::new(), "{}", r.stderr);
}

#[test]
fn a_merge_is_not_the_last_change_of_what_its_branch_changed() {
    let repo = copy_fixture("valid-basic");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    commit_all(dir, ANA, "2024-01-10T09:00:00Z", "Add the mesh");
    git(dir, &["checkout", "-q", "-b", "feature"]);
    append(&dir.join("content/products/orders.odps.yaml"), "x-reviewed: yes\n");
    let on_branch = commit_all(dir, BO, "2024-02-01T10:00:00Z", "Review orders on a branch");
    git(dir, &["checkout", "-q", "main"]);
    append(
        &dir.join("content/products/order-revenue.odps.yaml"),
        "x-reviewed: yes\n",
    );
    let on_main = commit_all(dir, ANA, "2024-02-02T10:00:00Z", "Review revenue on main");
    git_as(
        dir,
        ANA,
        "2024-02-03T10:00:00Z",
        &["merge", "-q", "--no-ff", "-m", "Merge the review", "feature"],
    );
    build_ok(dir, &[]);
    let site = dir.join("public");
    assert_eq!(
        last_changed_line(&read(&site, PRODUCT)).unwrap(),
        format!("Last changed 2024-02-01 by Bo Kim ({on_branch})")
    );
    assert_eq!(
        last_changed_line(&read(&site, OTHER_PRODUCT)).unwrap(),
        format!("Last changed 2024-02-02 by Ana Perez ({on_main})")
    );
    assert!(
        !read(&site, PRODUCT).contains("Merge the review"),
        "the merge is listed in the history of a file it did not change"
    );
}

/// `serve` renders through the same path as `build`, git facts included.
#[test]
fn serve_shows_the_last_change_too() {
    use std::io::{BufRead, Read, Write};
    let h = history_repo();
    let [_, _, c3, _] = &h.ids;
    let mesh = h.repo.path().join("portal");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_meshport"))
        .args(["serve", "--port", "0", "--root", mesh.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kept open until the server is stopped: a closed pipe would break its next status line.
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = lines.by_ref().map_while(Result::ok).find_map(|l| {
        l.strip_prefix("Serving http://")
            .map(|u| u.trim_end_matches('/').to_string())
    });
    let page = addr.map(|addr| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET /{PRODUCT} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = String::new();
        stream.read_to_string(&mut body).unwrap();
        body
    });
    let _ = child.kill();
    let _ = child.wait();
    drop(lines);
    let page = page.expect("serve printed its address");
    assert_eq!(
        last_changed_line(&page).unwrap(),
        format!("Last changed 2024-03-06 by Ana Perez ({c3})")
    );
    assert_eq!(history(&page).len(), 3);
}
