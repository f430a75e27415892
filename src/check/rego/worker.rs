//! The Rego worker: `meshport rego-worker`, a hidden subcommand that meshport starts for every
//! build that has policies. It lowers its own resource limits first (address space, CPU time,
//! no core files), reads one request from standard input and writes its progress and results
//! to standard output, one JSON message per line. Whatever a policy does to it (a stack
//! overflow, an allocation beyond the limit, a CPU-bound builtin) ends this process only.

use super::budget;
use super::compile;
use super::input::{Inputs, Wire};
use super::protocol::{Evaluated, Message, Request, Scope, Stop, Target};
use serde::Deserialize;
use std::io::{BufRead, Read, Write};

/// The name of the hidden subcommand.
pub const SUBCOMMAND: &str = "rego-worker";

/// Stack of each evaluation thread.
pub const STACK_BYTES: usize = 8 << 20;

/// Resource limits of one worker process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address space, in bytes.
    pub memory: u64,
    /// CPU time, in seconds.
    pub cpu_seconds: u64,
}

/// The subcommand: applies `limits`, then serves one request. The exit code is 0 when every
/// message was written.
pub fn main(limits: Limits) -> i32 {
    if let Err(e) = apply(limits) {
        eprintln!("error: cannot limit the Rego worker: {e}");
        return 2;
    }
    // Evaluation threads get the main thread's stack size (rayon's default is 2 MiB), so a
    // `deny_product` may nest as deeply as a `deny_mesh`.
    let pool = match rayon::ThreadPoolBuilder::new().stack_size(STACK_BYTES).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: cannot start the Rego worker's threads: {e}");
            return 2;
        }
    };
    let served = read_request(std::io::stdin().lock()).and_then(|request| {
        outlive_no_parent();
        pool.install(|| serve_request(request, std::io::stdout().lock()))
    });
    match served {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    }
}

/// meshport keeps the worker's standard input open until it has heard all: when it closes
/// (meshport stopped, or was killed), the worker stops too instead of computing for nobody.
fn outlive_no_parent() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while let Ok(n) = stdin.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
        std::process::exit(3);
    });
}

/// Lowers the soft limits only (the hard ones stay as inherited), so this works whatever the
/// parent's limits are; a lower inherited limit wins.
#[cfg(unix)]
fn apply(limits: Limits) -> std::io::Result<()> {
    use rlimit::Resource;
    let lower = |resource: Resource, value: u64| -> std::io::Result<()> {
        let (soft, hard) = resource.get()?;
        resource.set(value.min(soft).min(hard), hard)
    };
    // A worker that dies leaves no core file behind (it would land in the mesh).
    lower(Resource::CORE, 0)?;
    lower(Resource::AS, limits.memory)?;
    lower(Resource::CPU, limits.cpu_seconds)
}

#[cfg(not(unix))]
fn apply(_: Limits) -> std::io::Result<()> {
    Ok(())
}

/// One request (a JSON value; what follows it is not read).
fn read_request(input: impl BufRead) -> anyhow::Result<Request<'static, Wire<'static>>> {
    let mut json = serde_json::Deserializer::from_reader(input);
    Ok(Request::deserialize(&mut json)?)
}

/// Reads the request, compiles the policies and evaluates every rule not yet done, saying what
/// it is about to do before doing it.
pub fn serve(input: impl BufRead, output: impl Write) -> anyhow::Result<()> {
    serve_request(read_request(input)?, output)
}

fn serve_request(request: Request<'static, Wire<'static>>, mut output: impl Write) -> anyhow::Result<()> {
    let mut failed: Option<std::io::Error> = None;
    let mut say = |m: Message| {
        if failed.is_none() {
            let line = serde_json::to_string(&m).expect("messages are JSON");
            failed = writeln!(output, "{line}").and_then(|_| output.flush()).err();
        }
    };
    let policies: Vec<(String, String)> = request
        .policies
        .into_iter()
        .map(|(f, t)| (f.into_owned(), t.into_owned()))
        .collect();
    let inputs = Inputs::new(request.input);
    let compiled = compile::compile(&policies, &request.excluded, &mut say);
    say(Message::Compiled {
        findings: compiled.findings,
        targets: compiled.targets.clone(),
    });
    let mut left = request.steps.left;
    let mut exhausted_by = request.steps.exhausted_by;
    let order = compiled
        .targets
        .iter()
        .filter(|t| t.scope == Scope::Product)
        .chain(compiled.targets.iter().filter(|t| t.scope == Scope::Mesh));
    for t in order.filter(|t| !request.done.contains(&t.path)) {
        say(Message::Evaluating { target: t.path.clone() });
        let evaluated = evaluate(&compiled.engine, t, &inputs, &mut left, &exhausted_by);
        if matches!(evaluated.stop, Some(Stop::Budget { .. })) {
            exhausted_by = Some(t.name().to_string());
        }
        say(Message::Evaluated(evaluated));
    }
    say(Message::Done);
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn evaluate(
    engine: &regorus::Engine,
    t: &Target,
    inputs: &Inputs,
    left: &mut u64,
    exhausted_by: &Option<String>,
) -> Evaluated {
    if *left == 0 {
        let by = exhausted_by.clone().unwrap_or_default();
        return Evaluated {
            target: t.path.clone(),
            outcomes: Vec::new(),
            stop: Some(Stop::Starved { by }),
            charged: 0,
            prints: Vec::new(),
        };
    }
    match t.scope {
        Scope::Product => budget::over_products(engine, t, &inputs.products, left),
        Scope::Mesh => budget::over_mesh(engine, t, inputs.mesh(), inputs.products.len(), left),
    }
}
