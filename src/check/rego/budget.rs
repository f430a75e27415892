//! Counting the work of Rego in interpreter steps, so that what a build evaluates does not
//! depend on how busy the machine is.
//!
//! regorus counts a work unit for every rule, statement, expression and loop step it
//! evaluates, and checks its execution timer every `check_interval` units. With a time limit
//! of zero that first check fails, so an evaluation under `check_interval: n` stops after
//! exactly `n` steps: a deterministic step limit. regorus does not tell how many steps an
//! evaluation that finished took, so each evaluation runs under a rising limit (1,024 steps,
//! then four times more, up to the cap) and is charged every limit it ran under: 1,024 steps
//! for a cheap rule, and for one that needs more than that between 4/3 and 16/3 of what it used
//! (the last limit `L` it ran under is at most four times its use; `L + L/4 + …` is `4L/3`).
//!
//! Products are evaluated in batches, in parallel within a batch and charged in product order
//! between batches, so the product at which the budget runs out is the same on every machine.

use super::protocol::{Evaluated, Outcome, Stop, Target};
use rayon::prelude::*;
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};
use std::num::NonZeroU32;
use std::time::Duration;

/// Steps one `deny_product` evaluation may take (about 0.4 s of a release build's work).
pub const EVAL_STEPS: u64 = 1 << 22;

/// The default budget of all Rego in one build (`rego.steps` in policies.yaml): a million
/// cheap evaluations (100,000 products, ten rules), or about two minutes of a release build's
/// work on one core.
pub const BUILD_STEPS: u64 = 1 << 30;

const FIRST_LIMIT: u64 = 1 << 10;

/// What one evaluation gave.
pub enum Ran {
    Value(Value),
    Error(String),
    /// It needed more steps than its cap.
    Capped,
}

pub struct Run {
    pub ran: Ran,
    /// Steps charged: every limit it ran under.
    pub charged: u64,
    /// What `print` said in the last run (`file:line: text`).
    pub prints: Vec<String>,
}

/// Evaluates `rule` on the engine's input, taking at most `cap` steps.
pub fn eval(engine: &mut Engine, rule: &str, cap: u64) -> Run {
    let cap = cap.clamp(1, u32::MAX as u64);
    let mut limit = FIRST_LIMIT.min(cap);
    let mut charged = 0;
    loop {
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: Duration::ZERO,
            check_interval: NonZeroU32::new(limit as u32).expect("limit is at least 1"),
        });
        let result = engine.eval_rule(rule.to_string());
        charged += limit;
        let prints = engine.take_prints().unwrap_or_default();
        match result {
            Ok(v) => {
                return Run {
                    ran: Ran::Value(v),
                    charged,
                    prints,
                }
            }
            Err(e) if !is_step_limit(&e) => {
                return Run {
                    ran: Ran::Error(format!("{e}")),
                    charged,
                    prints,
                }
            }
            Err(_) if limit >= cap => {
                return Run {
                    ran: Ran::Capped,
                    charged,
                    prints,
                }
            }
            Err(_) => limit = (limit * 4).min(cap),
        }
    }
}

/// regorus reports the step limit as its time limit (sometimes only as text).
fn is_step_limit(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<regorus::LimitError>().is_some())
        || format!("{e}").contains("exceeded time limit")
}

/// Products per batch: many while the budget is far from spent, one at a time near its end,
/// so little work is done past the point where it runs out.
fn batch_size(left: u64) -> usize {
    (left / (2 * EVAL_STEPS)).clamp(1, 256) as usize
}

/// `t` over every product input, charging `left`.
pub fn over_products(engine: &Engine, t: &Target, inputs: &[Value], left: &mut u64) -> Evaluated {
    let mut out = Evaluated {
        target: t.path.clone(),
        outcomes: Vec::new(),
        stop: None,
        charged: 0,
        prints: Vec::new(),
    };
    let mut next = 0;
    while next < inputs.len() {
        let cap = EVAL_STEPS.min(*left);
        let end = (next + batch_size(*left)).min(inputs.len());
        let runs: Vec<Run> = inputs[next..end]
            .par_iter()
            .map_init(
                || engine.clone(),
                |eng, input| {
                    eng.set_input(input.clone());
                    eval(eng, &t.path, cap)
                },
            )
            .collect();
        for (i, run) in (next..).zip(runs) {
            let capped = matches!(run.ran, Ran::Capped);
            if run.charged > *left || (capped && cap < EVAL_STEPS) {
                out.charged += std::mem::take(left);
                out.stop = Some(Stop::Budget {
                    product: Some(i),
                    not_evaluated: (i..inputs.len()).collect(),
                });
                return out;
            }
            *left -= run.charged;
            out.charged += run.charged;
            out.prints.extend(run.prints);
            if capped {
                out.stop = Some(Stop::StepLimit {
                    product: Some(i),
                    limit: EVAL_STEPS,
                    skipped: inputs.len() - i - 1,
                });
                return out;
            }
            out.outcomes.extend(outcome(Some(i), run.ran));
        }
        next = end;
    }
    out
}

/// Steps one `deny_mesh` evaluation may take: as many as a `deny_product` one, and as many
/// again for every 1,000 products, since it sees them all (at most `u32::MAX`, regorus' limit).
pub fn mesh_eval_steps(products: usize) -> u64 {
    (EVAL_STEPS * (1 + products as u64 / 1000)).min(u32::MAX as u64)
}

/// `t` once over the mesh document of `products` products.
pub fn over_mesh(engine: &Engine, t: &Target, input: Value, products: usize, left: &mut u64) -> Evaluated {
    let mut eng = engine.clone();
    eng.set_input(input);
    let limit = mesh_eval_steps(products);
    let cap = limit.min(*left);
    let run = eval(&mut eng, &t.path, cap);
    let mut out = Evaluated {
        target: t.path.clone(),
        outcomes: Vec::new(),
        stop: None,
        charged: run.charged.min(*left),
        prints: run.prints,
    };
    match run.ran {
        Ran::Capped if cap < limit => {
            out.stop = Some(Stop::Budget {
                product: None,
                not_evaluated: Vec::new(),
            })
        }
        Ran::Capped => {
            out.stop = Some(Stop::StepLimit {
                product: None,
                limit,
                skipped: 0,
            })
        }
        ran => out.outcomes.extend(outcome(None, ran)),
    }
    *left -= out.charged;
    out
}

/// What the parent needs to hear of one evaluation: nothing when it found nothing.
fn outcome(product: Option<usize>, ran: Ran) -> Option<Outcome> {
    let result = match ran {
        Ran::Value(Value::Undefined) => return None,
        Ran::Value(v) => match serde_json::to_value(&v) {
            Ok(serde_json::Value::Array(a)) if a.is_empty() => return None,
            Ok(json) => Ok(json),
            Err(e) => Err(format!("result is not JSON: {e}")),
        },
        Ran::Error(e) => Err(e),
        Ran::Capped => return None,
    };
    Some(Outcome { product, result })
}

#[cfg(test)]
mod tests {
    use super::super::protocol::Scope;
    use super::*;
    use crate::diag::Pos;

    fn engine(rule_body: &str) -> Engine {
        let mut e = Engine::new();
        e.add_policy("t.rego".into(), format!("package meshport.t\n\n{rule_body}"))
            .unwrap();
        e.eval_query("true".into(), false).unwrap();
        e
    }

    fn target() -> Target {
        Target {
            id: "rego.t".into(),
            path: "data.meshport.t.deny_product".into(),
            scope: Scope::Product,
            file: "t.rego".into(),
            pos: Pos::new(3, 1),
        }
    }

    /// `n` iterations of a loop that finds nothing.
    fn loop_of(n: u32) -> Engine {
        engine(&format!(
            "deny_product contains x if {{\n  some x in numbers.range(1, {n})\n  x < 0\n}}\n"
        ))
    }

    #[test]
    fn step_limit_is_exact_and_deterministic() {
        let mut e = loop_of(1000);
        // Find the steps the evaluation takes: the smallest cap under which it finishes.
        let finishes =
            |e: &mut Engine, cap: u64| !matches!(eval(e, "data.meshport.t.deny_product", cap).ran, Ran::Capped);
        let (mut lo, mut hi) = (1u64, 1 << 20);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if finishes(&mut e, mid) {
                hi = mid
            } else {
                lo = mid + 1
            }
        }
        assert!(lo > 1000, "a loop of 1,000 takes more than 1,000 steps, took {lo}");
        for _ in 0..3 {
            assert!(finishes(&mut e, lo) && !finishes(&mut e, lo - 1));
        }
    }

    #[test]
    fn charge_is_every_limit_run_under() {
        let mut e = engine("deny_product contains \"m\" if true\n");
        let run = eval(&mut e, "data.meshport.t.deny_product", EVAL_STEPS);
        assert!(matches!(run.ran, Ran::Value(_)));
        assert_eq!(run.charged, FIRST_LIMIT);
        let mut e = loop_of(2000);
        let run = eval(&mut e, "data.meshport.t.deny_product", EVAL_STEPS);
        // Above 4,096 steps: 1,024 + 4,096 + 16,384 (or more) were charged.
        assert!(
            run.charged >= 1024 + 4096 + 16384 && run.charged.is_multiple_of(1024),
            "{}",
            run.charged
        );
    }

    #[test]
    fn one_evaluation_over_the_limit_stops_the_rule() {
        let e = loop_of(1_000_000);
        let inputs = vec![Value::new_object(); 3];
        let mut left = BUILD_STEPS;
        let out = over_products(&e, &target(), &inputs, &mut left);
        assert_eq!(
            out.stop,
            Some(Stop::StepLimit {
                product: Some(0),
                limit: EVAL_STEPS,
                skipped: 2
            })
        );
        assert_eq!(left, BUILD_STEPS - out.charged);
    }

    #[test]
    fn a_mesh_rule_may_take_more_steps_for_a_larger_mesh() {
        assert_eq!(mesh_eval_steps(12), EVAL_STEPS);
        assert_eq!(mesh_eval_steps(10_000), 11 * EVAL_STEPS);
        assert_eq!(mesh_eval_steps(100_000_000), u32::MAX as u64);
        let e = engine("deny_mesh contains x if {\n  some a in numbers.range(1, 3000)\n  some b in numbers.range(1, 3000)\n  x := a * b\n  x < 0\n}\n");
        let t = Target {
            path: "data.meshport.t.deny_mesh".into(),
            scope: Scope::Mesh,
            ..target()
        };
        let mut left = BUILD_STEPS;
        let out = over_mesh(&e, &t, Value::new_object(), 5, &mut left);
        assert_eq!(
            out.stop,
            Some(Stop::StepLimit {
                product: None,
                limit: EVAL_STEPS,
                skipped: 0
            })
        );
        // Under a smaller budget, the same evaluation exhausts the budget instead.
        let mut left = EVAL_STEPS / 2;
        let out = over_mesh(&e, &t, Value::new_object(), 5, &mut left);
        assert_eq!(
            (out.stop, left),
            (
                Some(Stop::Budget {
                    product: None,
                    not_evaluated: Vec::new()
                }),
                0
            )
        );
    }

    #[test]
    fn the_budget_runs_out_at_the_same_product_every_time() {
        let e = loop_of(3000);
        let inputs = vec![Value::new_object(); 40];
        let run = |budget: u64| {
            let mut left = budget;
            let out = over_products(&e, &target(), &inputs, &mut left);
            (out.stop, out.charged, left)
        };
        let per = eval(&mut e.clone(), "data.meshport.t.deny_product", EVAL_STEPS).charged;
        let first = run(per * 10 + per / 2);
        assert_eq!(
            first.0,
            Some(Stop::Budget {
                product: Some(10),
                not_evaluated: (10..40).collect()
            })
        );
        assert_eq!(first.2, 0);
        for _ in 0..3 {
            assert_eq!(run(per * 10 + per / 2), first);
        }
        // With enough budget every product is evaluated.
        let all = run(per * 40);
        assert_eq!((all.0, all.1, all.2), (None, per * 40, 0));
    }
}
