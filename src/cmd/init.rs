//! `meshport init DIR`: a new mesh repository with one domain, team, product, contract,
//! guide, governance policies and a CI workflow, ready for `meshport check` and `build`.
//!
//! The scaffold lives under `init/` in meshport's source and is compiled into the binary.

use super::{EXIT_FAILURE, EXIT_OK};
use anyhow::Context;
use std::path::Path;

/// Every file of the scaffold: path in the new repository, contents.
const FILES: &[(&str, &str)] = &[
    ("meshport.toml", include_str!("../../init/meshport.toml")),
    ("README.md", include_str!("../../init/README.md")),
    (".gitignore", include_str!("../../init/gitignore")),
    (
        ".github/workflows/meshport.yml",
        include_str!("../../init/github/workflows/meshport.yml"),
    ),
    ("content/index.md", include_str!("../../init/content/index.md")),
    (
        "content/domains/customer.md",
        include_str!("../../init/content/domains/customer.md"),
    ),
    (
        "content/teams/customer-data.md",
        include_str!("../../init/content/teams/customer-data.md"),
    ),
    (
        "content/products/customer-accounts.odps.yaml",
        include_str!("../../init/content/products/customer-accounts.odps.yaml"),
    ),
    (
        "content/contracts/customer-accounts.odcs.yaml",
        include_str!("../../init/content/contracts/customer-accounts.odcs.yaml"),
    ),
    (
        "content/guides/consume-a-data-product.md",
        include_str!("../../init/content/guides/consume-a-data-product.md"),
    ),
    (
        "content/governance/policies.yaml",
        include_str!("../../init/content/governance/policies.yaml"),
    ),
];

/// Writes the scaffold into `dir` (created if missing). A directory that already holds
/// anything is refused, so nothing of the user's is ever overwritten.
pub fn run(dir: &Path) -> anyhow::Result<i32> {
    if let Some(why) = refusal(dir)? {
        eprintln!("error: {why}");
        return Ok(EXIT_FAILURE);
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, text).with_context(|| format!("cannot write {}", target.display()))?;
    }
    print!("{}", next_steps(dir));
    Ok(EXIT_OK)
}

/// Why `dir` cannot receive a new mesh, if it cannot.
fn refusal(dir: &Path) -> anyhow::Result<Option<String>> {
    if !dir.exists() {
        return Ok(None);
    }
    if !dir.is_dir() {
        return Ok(Some(format!(
            "{} exists and is not a directory; choose a new directory for the mesh",
            dir.display()
        )));
    }
    let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    Ok(entries.next().is_some().then(|| {
        format!(
            "{} is not empty; meshport init only writes into a new or empty directory, so nothing is overwritten",
            dir.display()
        )
    }))
}

fn next_steps(dir: &Path) -> String {
    let mut out = format!("Created a new mesh repository in {}:\n", dir.display());
    for (path, _) in FILES {
        out.push_str(&format!("  {path}\n"));
    }
    out.push_str(&format!(
        "\nNext steps:\n  cd {}\n  meshport serve                 # preview the portal at http://127.0.0.1:1111\n  \
         git init && git add -A && git commit -m \"Start the data mesh\"\n  \
         edit [repository] in meshport.toml  # \"Edit this file\" links on every page\n  \
         push to GitHub: .github/workflows/meshport.yml checks pull requests, comments their downstream impact\n  \
         and publishes the portal on merge (Settings → Pages → Source: GitHub Actions)\n",
        dir.display()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_files_and_non_empty_dirs_only() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(refusal(&dir.path().join("new")).unwrap(), None);
        assert_eq!(refusal(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join("x"), "").unwrap();
        assert!(refusal(dir.path()).unwrap().unwrap().contains("is not empty"));
        assert!(refusal(&dir.path().join("x"))
            .unwrap()
            .unwrap()
            .contains("not a directory"));
    }

    #[test]
    fn scaffold_paths_are_unique_and_relative() {
        let mut paths: Vec<&str> = FILES.iter().map(|(p, _)| *p).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), FILES.len());
        assert!(paths.iter().all(|p| !p.starts_with('/') && !p.contains("..")));
    }
}
