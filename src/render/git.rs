//! Git facts on pages: last change, history and edit links. The facts come in as a separate
//! input of the build (`Ctx::git`), so a build without git renders the same pages minus
//! these lines.

use super::views::ChangeView;
use super::Ctx;
use crate::git::{FileChange, FileStatus, HISTORY_LEN};
use crate::model::Product;

impl Ctx<'_> {
    /// "Edit this file" for a mesh-relative path: the repository path is the mesh's place in
    /// the repository (known from git) plus the path.
    pub fn edit_url(&self, file: &str) -> Option<String> {
        let prefix = self.git.map_or("", |g| g.prefix.as_str());
        self.mesh.config.edit_url(&crate::git::repo_path(prefix, file))
    }

    /// The last change of a file, or a note when it has none (not committed yet); both
    /// `None` without git facts or beyond a shallow clone's history.
    pub fn last_change(&self, file: &str) -> (Option<ChangeView>, Option<String>) {
        match self.git.map(|g| g.status(file)) {
            Some(FileStatus::Changed(c)) => (Some(self.change_view(c)), None),
            Some(FileStatus::NotCommitted) => (None, Some("Not committed yet".to_string())),
            Some(FileStatus::Unknown) | None => (None, None),
        }
    }

    /// Recent commits touching a product's descriptor or the contracts of its output ports.
    pub fn product_history(&self, p: &Product) -> Vec<ChangeView> {
        let Some(git) = self.git else { return Vec::new() };
        let contracts = p
            .outputs
            .iter()
            .filter_map(|port| port.contract.as_ref())
            .filter_map(|k| self.mesh.contracts.get(k));
        let files = std::iter::once(p.origin.file.as_str()).chain(contracts.map(|c| c.origin.file.as_str()));
        git.history(files, HISTORY_LEN)
            .into_iter()
            .map(|c| self.change_view(c))
            .collect()
    }

    fn change_view(&self, c: &FileChange) -> ChangeView {
        ChangeView {
            date: c.date.clone(),
            author: c.author.clone(),
            commit: c.commit.clone(),
            commit_url: self
                .mesh
                .config
                .repository
                .as_ref()
                .and_then(|r| r.commit_url(&c.commit_id)),
            subject: c.subject.clone(),
        }
    }
}
