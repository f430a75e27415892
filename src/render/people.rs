//! The people a reader asks first: the data product owner and the data steward, picked from
//! the owner team's members (its page and the descriptor's `team` block) by their `role`, as
//! `[people]` in meshport.toml lists them.

use super::values::safe_url;
use super::views::PersonView;
use super::Ctx;
use crate::model::raw::Member;

/// Owners first, then stewards; each person once, in the order the files list them.
pub fn key_people(ctx: &Ctx, team: Option<&str>, block: &[Member]) -> Vec<PersonView> {
    let config = &ctx.mesh.config.people;
    let page = team
        .and_then(|t| ctx.mesh.teams.get(t))
        .map(|t| t.members.as_slice())
        .unwrap_or(&[]);
    let mut out: Vec<PersonView> = Vec::new();
    for (kind, roles) in [("owner", &config.owner_roles), ("steward", &config.steward_roles)] {
        for m in block.iter().chain(page) {
            let Some(role) = m.role.as_deref().filter(|r| matches_role(r, roles)) else {
                continue;
            };
            let name = m.name.clone().or_else(|| m.username.clone()).unwrap_or_default();
            if name.is_empty() || out.iter().any(|p| p.name == name) {
                continue;
            }
            // The descriptor's block often names a person without an email the team page has.
            let email = m.email.clone().or_else(|| {
                page.iter()
                    .find(|o| o.username.is_some() && o.username == m.username)
                    .and_then(|o| o.email.clone())
            });
            out.push(PersonView {
                email_url: email.as_deref().and_then(|e| safe_url(&format!("mailto:{e}"))),
                email,
                name,
                role: role.to_string(),
                kind: kind.to_string(),
            });
        }
    }
    out
}

fn matches_role(role: &str, roles: &[String]) -> bool {
    let role = role.trim();
    roles.iter().any(|r| r.trim().eq_ignore_ascii_case(role))
}

#[cfg(test)]
mod tests {
    use super::matches_role;

    #[test]
    fn roles_match_whole_and_case_insensitively() {
        let roles = vec!["data product owner".to_string(), "steward".to_string()];
        assert!(matches_role("Data Product Owner", &roles));
        assert!(matches_role(" STEWARD ", &roles));
        assert!(!matches_role("Data Engineer", &roles));
        assert!(!matches_role("owner", &roles));
    }
}
