//! Listing the mesh's folders, with one definition of what is skipped silently and what is
//! reported, shared by `check`, `build` and the file watcher of `serve`:
//!
//! - editor backups, swap, lock and temp files are skipped silently everywhere (`serve` must
//!   not flash findings on every save);
//! - hidden files and folders are skipped silently in `content/` and `templates/`, and in
//!   `static/` and `root/` are not published, with a note naming them (`root/.well-known/`
//!   is the one hidden folder published);
//! - symbolic links are never followed and FIFOs, sockets and devices never opened: each
//!   gets a finding.

use super::files::special_kind;
use crate::check::rules::RuleId;
use crate::diag::{rel_path, Diagnostic, Diagnostics, Pos};
use std::path::{Path, PathBuf};

/// The folders of a mesh that make up the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Descriptors, pages and policies.
    Content,
    /// Overrides of the built-in theme.
    Templates,
    /// Copied to `static/` of the site.
    Static,
    /// Copied to the site root (`CNAME`, `robots.txt`, `.well-known/`).
    Root,
}

impl Folder {
    pub const ALL: [Folder; 4] = [Folder::Content, Folder::Templates, Folder::Static, Folder::Root];

    pub fn name(self) -> &'static str {
        match self {
            Folder::Content => "content",
            Folder::Templates => "templates",
            Folder::Static => "static",
            Folder::Root => "root",
        }
    }

    fn named(name: &str) -> Option<Folder> {
        Folder::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the folder's files are published as they are, so a hidden one is worth a note.
    fn publishes(self) -> bool {
        matches!(self, Folder::Static | Folder::Root)
    }
}

/// What the walk does with an entry, by its name and depth below the folder (1 = directly in it).
#[derive(Debug, PartialEq, Eq)]
enum ByName {
    Keep,
    Skip,
    /// Hidden in a folder that publishes: not published, and noted.
    Unpublished,
}

fn by_name(folder: Folder, depth: usize, name: &str) -> ByName {
    if is_editor_file(name) {
        ByName::Skip
    } else if !name.starts_with('.') || (folder == Folder::Root && depth == 1 && name == ".well-known") {
        ByName::Keep
    } else if folder.publishes() {
        ByName::Unpublished
    } else {
        ByName::Skip
    }
}

/// Files editors and file managers write beside the file being edited: backups (`x~`), vim
/// swap files and its write test (`.x.swp`, `4913`), emacs auto-save and lock files (`#x#`,
/// `.#x`), Kate swap files, gedit and JetBrains safe-write copies, `.tmp` files, office lock
/// files (`~$x`) and macOS `.DS_Store` and `._x`.
pub fn is_editor_file(name: &str) -> bool {
    // Vim names swap files `.x.swp`, then `.swo`, `.swn` … down to `.swa`, and `.x.swx`.
    let b = name.as_bytes();
    let vim_swap = (b.len() > 5
        && b[0] == b'.'
        && &b[b.len() - 4..b.len() - 1] == b".sw"
        && (b'a'..=b'p').contains(&b[b.len() - 1]))
        || (name.starts_with('.') && name.ends_with(".swx"));
    name.ends_with('~')
        || vim_swap
        || name == "4913"
        || name.starts_with('#')
        || name.starts_with(".#")
        || name.starts_with("~$")
        || name.ends_with(".kate-swp")
        || name.starts_with(".goutputstream-")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == ".DS_Store"
        || name.starts_with("._")
}

/// Whether a path (its components below the mesh root) is one the walk would read, so that a
/// change to it can change the site. `serve` rebuilds only for these.
pub fn is_site_path(parts: &[&str]) -> bool {
    match parts {
        [crate::config::FILE_NAME] => true,
        [first, rest @ ..] => Folder::named(first).is_some_and(|folder| {
            rest.iter()
                .enumerate()
                .all(|(i, name)| by_name(folder, i + 1, name) == ByName::Keep)
        }),
        [] => false,
    }
}

/// The files of one folder and the findings about what was left out.
#[derive(Debug, Default)]
pub struct Listing {
    /// Regular files, sorted by path.
    pub files: Vec<PathBuf>,
    pub diags: Diagnostics,
}

/// Lists the regular files under `<root>/<folder>`. The folder itself may be a link to a
/// folder (followed, as a whole); links inside it are not.
pub fn list(root: &Path, folder: Folder) -> Listing {
    let dir = root.join(folder.name());
    let mut out = Listing::default();
    match std::fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(meta) => {
            if let Some(kind) = special_kind(&meta.file_type()) {
                out.diags.push(special_file_finding(folder.name(), kind));
            }
            return out;
        }
        Err(_) => return out,
    }
    let mut unpublished = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_str().unwrap_or("");
            match by_name(folder, e.depth(), name) {
                _ if e.depth() == 0 => true,
                ByName::Keep => true,
                ByName::Skip => false,
                ByName::Unpublished => {
                    unpublished.push(e.path().to_path_buf());
                    false
                }
            }
        });
    for entry in walker {
        match entry {
            Ok(e) if e.depth() == 0 => {}
            Ok(e) => classify(root, e, &mut out),
            Err(e) => {
                let rel = e
                    .path()
                    .map(|p| rel_path(root, p))
                    .unwrap_or_else(|| folder.name().to_string());
                out.diags
                    .push(RuleId::SourceUnreadable.at(&rel, Pos::new(1, 1), e.to_string()));
            }
        }
    }
    for path in unpublished {
        out.diags.push(unpublished_note(folder, &rel_path(root, &path)));
    }
    out
}

fn classify(root: &Path, entry: walkdir::DirEntry, out: &mut Listing) {
    let file_type = entry.file_type();
    if entry.path_is_symlink() {
        out.diags.push(symlink_finding(&rel_path(root, entry.path())));
    } else if file_type.is_file() {
        out.files.push(entry.into_path());
    } else if let Some(kind) = special_kind(&file_type) {
        out.diags
            .push(special_file_finding(&rel_path(root, entry.path()), kind));
    }
}

pub fn symlink_finding(rel: &str) -> Diagnostic {
    RuleId::SourceSymlink.at(rel, Pos::new(1, 1), "symbolic link not followed")
}

/// A FIFO, socket or device where meshport reads files: never opened (reading a FIFO waits
/// for a writer forever; a device may never end).
pub fn special_file_finding(rel: &str, kind: &str) -> Diagnostic {
    RuleId::SourceSpecialFile.at(
        rel,
        Pos::new(1, 1),
        format!("{kind}, not a regular file: it was not opened"),
    )
}

fn unpublished_note(folder: Folder, rel: &str) -> Diagnostic {
    let exception = if folder == Folder::Root {
        " (root/.well-known/ is the one hidden folder published)"
    } else {
        ""
    };
    RuleId::StaticHidden.at(
        rel,
        Pos::new(1, 1),
        format!(
            "hidden file or folder in {}/ is not published{exception}",
            folder.name()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_recognised_by_name() {
        let editor = [
            "a.md~",
            ".a.md.swp",
            ".a.md.swo",
            ".a.md.swx",
            "4913",
            "#a.md#",
            ".#a.md",
            "~$a.docx",
            ".a.md.kate-swp",
            ".goutputstream-4XY2",
            "a.tmp",
            "a.md___jb_tmp___",
            "a.md___jb_old___",
            ".DS_Store",
            "._a.md",
        ];
        for name in editor {
            assert!(is_editor_file(name), "{name}");
        }
        for name in [
            "a.md",
            "a.odps.yaml",
            ".swp",
            "swp.md",
            "a.odps.yaml.orig",
            ".env",
            "robots.txt",
        ] {
            assert!(!is_editor_file(name), "{name}");
        }
    }

    #[test]
    fn site_paths_follow_the_walk() {
        let yes = [
            "meshport.toml",
            "content",
            "content/products/a.odps.yaml",
            "static/app.css",
            "root/CNAME",
            "root/.well-known/security.txt",
            "templates/base.html",
        ];
        let no = [
            "README.md",
            "public/index.html",
            "content/.git/HEAD",
            "content/a.md~",
            "static/.env",
            "root/.meshport",
            "root/x/.well-known/a",
            "static/.well-known/a",
            "templates/.x.swp",
        ];
        let split = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
        for p in yes {
            assert!(
                is_site_path(&split(p).iter().map(String::as_str).collect::<Vec<_>>()),
                "{p}"
            );
        }
        for p in no {
            assert!(
                !is_site_path(&split(p).iter().map(String::as_str).collect::<Vec<_>>()),
                "{p}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_walk_reports_what_it_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "static/app.css",
            "static/.env",
            "static/.git/config",
            "static/app.css~",
            "static/.app.css.swp",
            "root/CNAME",
            "root/.well-known/security.txt",
            "root/.meshport",
        ] {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), "x").unwrap();
        }
        super::super::files::tests::mkfifo(&root.join("static/pipe"));
        std::os::unix::fs::symlink("/etc/passwd", root.join("static/passwd")).unwrap();
        let got = |folder| {
            let l = list(root, folder);
            let files: Vec<String> = l.files.iter().map(|p| rel_path(root, p)).collect();
            let diags: Vec<(String, String)> = l.diags.iter().map(|d| (d.rule.clone(), d.file.clone())).collect();
            (files, diags)
        };
        let (files, diags) = got(Folder::Static);
        assert_eq!(files, ["static/app.css"]);
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            diags,
            [
                s("source.symlink", "static/passwd"),
                s("source.special-file", "static/pipe"),
                s("static.hidden", "static/.env"),
                s("static.hidden", "static/.git")
            ]
        );
        let (files, diags) = got(Folder::Root);
        assert_eq!(files, ["root/.well-known/security.txt", "root/CNAME"]);
        assert_eq!(diags, [s("static.hidden", "root/.meshport")]);
    }
}
