//! `meshport init`: a new mesh repository that passes its own checks, builds, and carries a
//! CI workflow doing what the README promises.

use crate::common::*;

fn init(dir: &std::path::Path) -> Run {
    run(&["init", dir.to_str().unwrap()])
}

#[test]
fn new_mesh_passes_check_cleanly_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let mesh = tmp.path().join("my-mesh");
    let r = init(&mesh);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Next steps:") && r.stdout.contains("meshport serve"),
        "{}",
        r.stdout
    );
    for file in [
        "meshport.toml",
        "README.md",
        ".gitignore",
        ".github/workflows/meshport.yml",
        "content/domains/customer.md",
        "content/teams/customer-data.md",
        "content/products/customer-accounts.odps.yaml",
        "content/contracts/customer-accounts.odcs.yaml",
        "content/guides/consume-a-data-product.md",
        "content/governance/policies.yaml",
    ] {
        assert!(mesh.join(file).is_file(), "init did not write {file}");
    }
    let (code, report) = check_json(&mesh);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        (
            report["summary"]["errors"].as_u64(),
            report["summary"]["warnings"].as_u64()
        ),
        (Some(0), Some(0)),
        "{report:#}"
    );
    build_ok(&mesh, &[]);
    let site = mesh.join("public");
    for page in [
        "products/customer-accounts.html",
        "contracts/customer-accounts-1-0-0.html",
        "teams/customer-data.html",
        "domains/customer.html",
        "guides/consume-a-data-product.html",
    ] {
        assert!(site.join(page).is_file(), "the new mesh's site lacks {page}");
    }
    let product = visible_text(&read(&site, "products/customer-accounts.html"));
    for text in [
        "Customer Accounts",
        "account_id",
        "Customer Data Team",
        "#customer-data",
        "latency",
    ] {
        assert!(product.contains(text), "product page lacks {text}");
    }
}

/// The `run:` lines and `uses:` of one job's steps, and the job's checkout options.
fn steps(job: &serde_json::Value) -> Vec<String> {
    job["steps"]
        .as_array()
        .expect("job has steps")
        .iter()
        .map(|s| s["run"].as_str().or(s["uses"].as_str()).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn workflow_checks_comments_the_diff_and_builds_on_merge() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(init(tmp.path()).code, 0, "an empty existing directory is accepted");
    let text = std::fs::read_to_string(tmp.path().join(".github/workflows/meshport.yml")).unwrap();
    let wf: serde_json::Value = serde_yaml::from_str(&text).expect("the workflow is valid YAML");
    let on = &wf["on"];
    assert!(on.get("pull_request").is_some(), "not triggered by pull requests: {on}");
    assert_eq!(
        on["push"]["branches"],
        serde_json::json!(["main"]),
        "not triggered by merges to main: {on}"
    );
    let install = wf["env"]["INSTALL_MESHPORT"].as_str().unwrap();
    assert!(
        install.starts_with("cargo install --locked --git ") && install.contains("--tag "),
        "meshport is not on crates.io, so the workflow builds a tagged release from its repository: {install}"
    );
    let jobs = &wf["jobs"];

    let check = &jobs["check"];
    assert_eq!(check["if"], "github.event_name == 'pull_request'");
    assert!(
        steps(check).iter().any(|s| s == "meshport check --format github"),
        "{:?}",
        steps(check)
    );

    let impact = &jobs["impact"];
    assert_eq!(impact["if"], "github.event_name == 'pull_request'");
    assert_eq!(impact["permissions"]["pull-requests"], "write");
    let checkout = impact["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/checkout@")))
        .unwrap();
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "the diff needs the base branch's history"
    );
    let impact_steps = steps(impact);
    let diff = impact_steps.iter().position(|s| {
        s.starts_with("meshport diff --base \"origin/${{ github.base_ref }}\" --format markdown > meshport-diff.md")
    });
    let comment = impact_steps
        .iter()
        .position(|s| s.starts_with("gh pr comment") && s.contains("--body-file meshport-diff.md"));
    assert!(
        matches!((diff, comment), (Some(d), Some(c)) if d < c),
        "diff, then comment: {impact_steps:?}"
    );
    let review = impact_steps
        .iter()
        .find(|s| s.contains("--add-reviewer"))
        .expect("access requests ask the producing team for a review");
    assert!(
        review.contains("--format json") && review.contains(".access_requests[].reviewers[]"),
        "reviewers come from the diff's JSON: {review}"
    );

    let build = &jobs["build"];
    assert_eq!(build["if"], "github.event_name != 'pull_request'");
    let build_steps = steps(build);
    assert!(
        build_steps.iter().any(|s| s.starts_with("meshport build")),
        "{build_steps:?}"
    );
    assert!(
        build_steps
            .iter()
            .any(|s| s.starts_with("actions/upload-pages-artifact@")),
        "{build_steps:?}"
    );
    assert_eq!(jobs["deploy"]["needs"], "build");
    assert!(steps(&jobs["deploy"])
        .iter()
        .any(|s| s.starts_with("actions/deploy-pages@")));
}

#[test]
fn non_empty_directory_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let r = init(tmp.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not empty"), "{}", r.stderr);
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["notes.txt"], "init wrote into a non-empty directory");
}
