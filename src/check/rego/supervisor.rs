//! Running the Rego worker, and outliving it. meshport starts its own executable with the
//! hidden `rego-worker` subcommand, sends it the policies and the mesh, and reads what it says.
//! When the worker dies, what it said last tells whom to blame: a policy file it was parsing
//! is reported and left out, a rule it was evaluating is reported and skipped, and a new worker
//! carries on with the rest (and with what is left of the step budget). A worker that used up
//! its CPU time ends Rego for the build: that limit is the last line of defence for all of it.

use super::input::Wire;
use super::protocol::{Evaluated, Message, Request, Steps, Stop, Target};
use super::worker::{self, Limits};
use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;

static EXECUTABLE: OnceLock<PathBuf> = OnceLock::new();

/// Makes every later evaluation run in a child process of `exe`, meshport's own binary (it
/// answers `rego-worker`); `main` sets it. A library caller that does not (unit tests, the
/// benches) gets the worker in its own process, without its limits.
pub fn use_executable(exe: PathBuf) {
    let _ = EXECUTABLE.set(exe);
}

/// What became of the policies.
#[derive(Default)]
pub struct Session {
    /// Findings about the policy files: syntax, recursion, packages, a worker that died in one.
    pub findings: Vec<Diagnostic>,
    pub targets: Vec<Target>,
    pub evaluated: Vec<Evaluated>,
    /// Rules (by path) whose evaluation ended a worker, and how.
    pub died: Vec<(String, Death)>,
    /// Why the rules after a worker's CPU limit were not evaluated.
    pub abandoned: Option<String>,
}

/// How a worker ended without finishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Death {
    Memory { mib: u64 },
    Stack,
    Cpu { seconds: u64 },
    Other(String),
}

impl fmt::Display for Death {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Death::Memory { mib } => write!(f, "ran out of memory (a Rego worker may use {mib} MiB)"),
            Death::Stack => f.write_str("overflowed its stack (nesting or recursion too deep)"),
            Death::Cpu { seconds } => write!(f, "used more than {seconds} s of CPU time"),
            Death::Other(what) => f.write_str(what),
        }
    }
}

/// Where the worker was when it stopped talking.
enum Phase {
    Starting,
    Parsing(String),
    Compiling,
    Between,
    Evaluating(String),
}

struct State {
    session: Session,
    /// Findings of the latest compilation (every new worker compiles again).
    compiled: Vec<Diagnostic>,
    excluded: BTreeSet<String>,
    steps: Steps,
    phase: Phase,
}

/// Evaluates the policies over `input` with `budget` steps, in as many workers as it takes.
pub fn evaluate(policies: &[(&str, &str)], input: &Wire, budget: u64, limits: Limits) -> Session {
    let mut s = State {
        session: Session::default(),
        compiled: Vec::new(),
        excluded: BTreeSet::new(),
        steps: Steps {
            left: budget,
            exhausted_by: None,
        },
        phase: Phase::Starting,
    };
    loop {
        let request = Request {
            policies: policies
                .iter()
                .map(|(f, t)| (Cow::Borrowed(*f), Cow::Borrowed(*t)))
                .collect(),
            excluded: s.excluded.clone(),
            done: s.done(),
            steps: s.steps.clone(),
            input,
        };
        s.phase = Phase::Starting;
        let Err(death) = run(&request, limits, &mut |m| s.hear(m)) else {
            break;
        };
        if !s.blame(death, policies) {
            break;
        }
    }
    s.session.findings.append(&mut s.compiled);
    s.session
}

impl State {
    fn done(&self) -> BTreeSet<String> {
        self.session
            .evaluated
            .iter()
            .map(|e| e.target.clone())
            .chain(self.session.died.iter().map(|(t, _)| t.clone()))
            .collect()
    }

    fn hear(&mut self, m: Message) {
        match m {
            Message::Parsing { file } => self.phase = Phase::Parsing(file),
            Message::Compiling => self.phase = Phase::Compiling,
            Message::Compiled { findings, targets } => {
                self.compiled = findings;
                self.session.targets = targets;
                self.phase = Phase::Between;
            }
            Message::Evaluating { target } => self.phase = Phase::Evaluating(target),
            Message::Evaluated(e) => {
                // A policy's `print` output, for its author, as regorus prints it in-process.
                for line in &e.prints {
                    eprintln!("{line}");
                }
                self.steps.left = self.steps.left.saturating_sub(e.charged);
                if matches!(e.stop, Some(Stop::Budget { .. })) {
                    self.steps.exhausted_by = Some(e.target.trim_start_matches("data.").to_string());
                }
                self.session.evaluated.push(e);
                self.phase = Phase::Between;
            }
            Message::Done => {}
        }
    }

    /// Reports a dead worker where it was; whether a new worker should carry on.
    fn blame(&mut self, death: Death, policies: &[(&str, &str)]) -> bool {
        match std::mem::replace(&mut self.phase, Phase::Starting) {
            Phase::Parsing(file) => {
                self.session.findings.push(
                    RuleId::RegoSyntax
                        .at(
                            &file,
                            Pos::new(1, 1),
                            format!("Rego policy could not be read: the Rego worker {death} while parsing it"),
                        )
                        .with_hint("split or simplify the policy"),
                );
                self.excluded.insert(file)
            }
            Phase::Evaluating(target) => {
                if let Death::Cpu { .. } = death {
                    self.session.abandoned = Some(format!(
                        "the Rego worker {death} while evaluating `{}`",
                        target.trim_start_matches("data.")
                    ));
                }
                let carry_on = self.session.abandoned.is_none();
                self.session.died.push((target, death));
                carry_on
            }
            Phase::Between => {
                self.session.abandoned = Some(format!("the Rego worker {death} between two rules"));
                false
            }
            phase => {
                let when = match phase {
                    Phase::Compiling => "while compiling the policies",
                    _ => "before it read the policies",
                };
                let file = policies.first().map(|(f, _)| *f).unwrap_or_default();
                self.session.findings.push(RuleId::RegoEval.at(file, Pos::new(1, 1), format!("no custom rule was evaluated: the Rego worker {death} {when}"))
                    .with_hint("this is a failure of meshport or of the machine; run `meshport check` again, and report it if it persists"));
                false
            }
        }
    }
}

fn run<I: Serialize + Sync>(request: &Request<I>, limits: Limits, hear: &mut dyn FnMut(Message)) -> Result<(), Death> {
    match EXECUTABLE.get() {
        Some(exe) => in_child(exe, request, limits, hear),
        None => in_process(request, hear),
    }
}

fn in_process<I: Serialize>(request: &Request<I>, hear: &mut dyn FnMut(Message)) -> Result<(), Death> {
    let bytes = serde_json::to_vec(request).map_err(|e| Death::Other(format!("could not be sent the mesh: {e}")))?;
    let mut out = Vec::new();
    let served = worker::serve(&bytes[..], &mut out);
    let done = read_messages(&out[..], hear);
    match served {
        Ok(()) if done => Ok(()),
        Ok(()) => Err(Death::Other("stopped before it was done".to_string())),
        Err(e) => Err(Death::Other(format!("failed: {e:#}"))),
    }
}

fn in_child<I: Serialize + Sync>(
    exe: &Path,
    request: &Request<I>,
    limits: Limits,
    hear: &mut dyn FnMut(Message),
) -> Result<(), Death> {
    let mut command = Command::new(exe);
    // The binary's allocator (mimalloc) reserves address space 1 GiB at a time, which the
    // worker's address-space limit counts: reserve in small steps so the limit bounds use.
    command.env("MIMALLOC_ARENA_RESERVE", "16384"); // KiB
    #[cfg(unix)]
    std::os::unix::process::CommandExt::arg0(&mut command, "meshport"); // not `/proc/self/exe` in `ps`
    let mut child = command
        .args([
            worker::SUBCOMMAND,
            "--memory",
            &limits.memory.to_string(),
            "--cpu",
            &limits.cpu_seconds.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Death::Other(format!("could not be started ({}): {e}", exe.display())))?;
    let (Some(stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(Death::Other("could not be connected to".to_string()));
    };
    let (done, tail) = std::thread::scope(|scope| {
        // A worker that dies early closes its end; the write then fails and its exit says why.
        let writer = scope.spawn(move || {
            let mut w = std::io::BufWriter::new(stdin);
            let _ = serde_json::to_writer(&mut w, request)
                .map_err(std::io::Error::from)
                .and_then(|_| w.write_all(b"\n"))
                .and_then(|_| w.flush());
            w
        });
        let tail = scope.spawn(move || last_bytes(stderr, 4096));
        let done = read_messages(BufReader::new(stdout), hear);
        // Its standard input stays open until here: the worker stops when it closes.
        drop(writer.join());
        (done, tail.join().unwrap_or_default())
    });
    match child.wait() {
        Ok(status) if status.success() && done => Ok(()),
        Ok(status) => Err(death(status, &tail, limits)),
        Err(e) => Err(Death::Other(format!("could not be waited for: {e}"))),
    }
}

/// Hands each message to `hear` and reads to the end either way (so the worker never blocks
/// on a full pipe); whether `Done` came.
fn read_messages(from: impl BufRead, hear: &mut dyn FnMut(Message)) -> bool {
    let mut done = false;
    let mut broken = false;
    for line in from.split(b'\n') {
        let Ok(line) = line else { break };
        if broken || done {
            continue;
        }
        match serde_json::from_slice::<Message>(&line) {
            Ok(Message::Done) => done = true,
            Ok(m) => hear(m),
            // A worker killed in the middle of a line leaves half of it.
            Err(_) => broken = true,
        }
    }
    done
}

/// The last `keep` bytes of a stream, read to its end.
fn last_bytes(mut from: impl Read, keep: usize) -> String {
    let mut tail: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n) = from.read(&mut chunk) {
        if n == 0 {
            break;
        }
        tail.extend_from_slice(&chunk[..n]);
        if tail.len() > 2 * keep {
            tail.drain(..tail.len() - keep);
        }
    }
    let start = tail.len().saturating_sub(keep);
    String::from_utf8_lossy(&tail[start..]).into_owned()
}

/// What a worker's exit status and the end of its error output say about how it died.
fn death(status: ExitStatus, stderr: &str, limits: Limits) -> Death {
    if stderr.contains("has overflowed its stack") {
        return Death::Stack;
    }
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return Death::Memory {
            mib: limits.memory >> 20,
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            Some(libc::SIGXCPU) => {
                return Death::Cpu {
                    seconds: limits.cpu_seconds,
                }
            }
            Some(signal) => return Death::Other(format!("was stopped by signal {signal}")),
            None => {}
        }
    }
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    Death::Other(format!("stopped ({status}): {last}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        memory: 3 << 30,
        cpu_seconds: 60,
    };

    #[cfg(unix)]
    fn signalled(signal: i32) -> ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        ExitStatus::from_raw(signal)
    }

    #[cfg(unix)]
    #[test]
    fn deaths_are_told_apart() {
        let abort = signalled(libc::SIGABRT);
        assert_eq!(
            death(
                abort,
                "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n",
                LIMITS
            ),
            Death::Stack
        );
        assert_eq!(
            death(abort, "memory allocation of 1920000000 bytes failed\n", LIMITS),
            Death::Memory { mib: 3072 }
        );
        assert_eq!(death(signalled(libc::SIGXCPU), "", LIMITS), Death::Cpu { seconds: 60 });
        assert_eq!(
            death(signalled(libc::SIGKILL), "", LIMITS),
            Death::Other("was stopped by signal 9".into())
        );
        assert_eq!(
            Death::Memory { mib: 1024 }.to_string(),
            "ran out of memory (a Rego worker may use 1024 MiB)"
        );
    }

    fn state() -> State {
        State {
            session: Session::default(),
            compiled: Vec::new(),
            excluded: BTreeSet::new(),
            steps: Steps {
                left: 100,
                exhausted_by: None,
            },
            phase: Phase::Starting,
        }
    }

    #[test]
    fn a_dead_worker_is_blamed_where_it_was() {
        let policies = [("r/a.rego", ""), ("r/b.rego", "")];
        // Parsing a file: it is reported and left out, and a new worker carries on.
        let mut s = state();
        s.hear(Message::Parsing {
            file: "r/b.rego".into(),
        });
        assert!(s.blame(Death::Stack, &policies));
        assert!(s.excluded.contains("r/b.rego"));
        assert_eq!(s.session.findings[0].rule, "rego.syntax");
        // Evaluating a rule: it is done (as dead), and a new worker carries on with the rest.
        s.hear(Message::Evaluating {
            target: "data.meshport.a.deny_product".into(),
        });
        assert!(s.blame(Death::Memory { mib: 1024 }, &policies));
        assert!(s.done().contains("data.meshport.a.deny_product"));
        // Its CPU time: the last line of defence ends Rego for the build.
        s.hear(Message::Evaluating {
            target: "data.meshport.b.deny_mesh".into(),
        });
        assert!(!s.blame(Death::Cpu { seconds: 180 }, &policies));
        assert_eq!(
            s.session.abandoned.as_deref(),
            Some("the Rego worker used more than 180 s of CPU time while evaluating `meshport.b.deny_mesh`")
        );
        // Between two rules: the rules left are reported as not evaluated.
        let mut s = state();
        s.hear(Message::Compiled {
            findings: Vec::new(),
            targets: Vec::new(),
        });
        assert!(!s.blame(Death::Stack, &policies));
        assert!(s
            .session
            .abandoned
            .as_deref()
            .is_some_and(|a| a.ends_with("between two rules")));
        // Before the policies were compiled nothing is evaluated, and the finding says so.
        let mut s = state();
        assert!(!s.blame(Death::Other("was stopped by signal 9".into()), &policies));
        assert_eq!(
            (s.session.findings[0].rule.as_str(), s.session.findings[0].file.as_str()),
            ("rego.eval", "r/a.rego")
        );
    }

    #[test]
    fn steps_charged_by_one_worker_are_gone_for_the_next() {
        let mut s = state();
        let evaluated = |target: &str, charged, stop| {
            Message::Evaluated(Evaluated {
                target: target.into(),
                outcomes: Vec::new(),
                stop,
                charged,
                prints: Vec::new(),
            })
        };
        s.hear(evaluated("data.meshport.a.deny_product", 60, None));
        s.hear(evaluated(
            "data.meshport.b.deny_product",
            40,
            Some(Stop::Budget {
                product: Some(3),
                not_evaluated: vec![3, 4],
            }),
        ));
        assert_eq!(
            (s.steps.left, s.steps.exhausted_by.as_deref()),
            (0, Some("meshport.b.deny_product"))
        );
        assert_eq!(s.done().len(), 2);
    }

    #[test]
    fn a_half_written_line_ends_the_messages() {
        let mut heard = Vec::new();
        let text = "{\"kind\":\"compiling\"}\n{\"kind\":\"evaluating\",\"target\":\"data.meshport.a.deny_pro";
        assert!(!read_messages(text.as_bytes(), &mut |m| heard.push(format!("{m:?}"))));
        assert_eq!(heard, vec!["Compiling"]);
        assert!(read_messages("{\"kind\":\"done\"}\n".as_bytes(), &mut |_| {}));
    }

    #[test]
    fn the_tail_of_a_long_error_output_is_kept() {
        let long = "x".repeat(100_000) + "\nthe end";
        assert!(last_bytes(long.as_bytes(), 64).ends_with("the end"));
        assert_eq!(last_bytes(long.as_bytes(), 64).len(), 64);
    }
}
