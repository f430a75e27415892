//! What meshport and its Rego worker say to each other: one [`Request`] as JSON on the worker's
//! standard input, then one [`Message`] per line on its standard output. The messages say what
//! the worker is doing before it does it, so when the worker dies (out of memory, a stack
//! overflow, the CPU limit) meshport knows which policy file or rule to blame.

use crate::diag::{Diagnostic, Pos};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// `I` is the mesh input: borrowed from the mesh when sent, owned when received.
#[derive(Serialize, Deserialize)]
pub struct Request<'a, I> {
    /// Policy files and their texts, in path order.
    pub policies: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Files to leave out: an earlier worker died while reading them.
    pub excluded: BTreeSet<String>,
    /// Rules (by path) evaluated or given up by an earlier worker.
    pub done: BTreeSet<String>,
    pub steps: Steps,
    pub input: I,
}

/// The build's Rego budget, in regorus interpreter steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Steps {
    /// What earlier workers left of it.
    pub left: u64,
    /// The rule (`meshport.a.deny_product`) in which it ran out, once it has.
    pub exhausted_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Product,
    Mesh,
}

impl Scope {
    pub fn rule(self) -> &'static str {
        match self {
            Scope::Product => "deny_product",
            Scope::Mesh => "deny_mesh",
        }
    }
}

/// One `deny_*` rule of one package.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    /// Diagnostic id base: `rego.<name>`.
    pub id: String,
    /// Rule path for `eval_rule`, e.g. `data.meshport.naming.deny_product`.
    pub path: String,
    pub scope: Scope,
    /// First policy file declaring the rule, and the rule's line there.
    pub file: String,
    pub pos: Pos,
}

impl Target {
    /// The path as policies write it: `meshport.naming.deny_product`.
    pub fn name(&self) -> &str {
        self.path.trim_start_matches("data.")
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// About to parse this policy file.
    Parsing {
        file: String,
    },
    /// About to check the rules for recursion and compile them.
    Compiling,
    /// The policies are compiled: findings about them, and the rules to evaluate.
    Compiled {
        findings: Vec<Diagnostic>,
        targets: Vec<Target>,
    },
    /// About to evaluate this rule (by path) over its inputs.
    Evaluating {
        target: String,
    },
    Evaluated(Evaluated),
    /// Everything asked was done.
    Done,
}

/// What one rule gave over all its inputs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluated {
    pub target: String,
    /// Inputs with findings or errors (`product` is the index in id order; `None` is the mesh).
    pub outcomes: Vec<Outcome>,
    pub stop: Option<Stop>,
    /// Steps charged to the build's budget.
    pub charged: u64,
    /// What `print` said, in product order (`file:line: text`).
    pub prints: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub product: Option<usize>,
    /// The rule's value as JSON, or the error text.
    pub result: Result<serde_json::Value, String>,
}

/// Why a rule was not evaluated for all its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// One evaluation needed more steps than one evaluation may take; the rule was given up
    /// for the products after it.
    StepLimit {
        product: Option<usize>,
        limit: u64,
        skipped: usize,
    },
    /// The build's budget ran out at this product: it and the rest were not evaluated.
    Budget {
        product: Option<usize>,
        not_evaluated: Vec<usize>,
    },
    /// The budget had run out in an earlier rule: this one was not evaluated at all.
    Starved { by: String },
}
