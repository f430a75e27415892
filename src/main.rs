use clap::{Parser, Subcommand};
use meshport::cmd::diff::{DiffArgs, DiffFormat};
use meshport::cmd::{self, build::BuildArgs, check::Format, serve::ServeArgs};
use std::net::IpAddr;
use std::path::PathBuf;

/// The binary's allocator (the library leaves the choice to its user): see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// meshport: a static-site generator for a data mesh developer portal.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour findings: `auto` when stderr is a terminal and NO_COLOR is not set.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: meshport::diag::ColorChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Load, check and render the mesh into a static site.
    Build {
        /// The mesh repository (holds meshport.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The URL the site is published at (for sitemap.xml), overriding meshport.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// No progress and no summary line.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Load the mesh and report every finding; writes nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Build into memory, serve with live reload, rebuild on every change; writes nothing.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback makes the portal reachable from the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the portal in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Compare the working tree with a git revision: what changed, what breaks, whom to tell.
    Diff {
        /// The revision to compare against (branch, tag or commit, e.g. `origin/main`).
        #[arg(long)]
        base: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "markdown")]
        format: DiffFormat,
        /// Exit 1 when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
    },
    /// Write the ODCS v3.1.0 / ODPS v1.1.0 equivalent of a Data Contract Specification or Data
    /// Product Specification file (to standard output unless told otherwise). YAML comments are
    /// not kept.
    Convert {
        /// The file to convert (e.g. datacontract.yaml or dataproduct.yaml).
        file: PathBuf,
        /// Write the result to a new file; an existing file is never overwritten.
        #[arg(long, conflicts_with = "in_place")]
        output: Option<PathBuf>,
        /// Replace the file itself, renamed to `*.odcs.yaml` / `*.odps.yaml` (git keeps the old one).
        #[arg(long)]
        in_place: bool,
    },
    /// Print the catalogue of built-in rules as Markdown (the text of docs/rules.md).
    Rules,
    /// Create a new mesh repository (sample domain, team, product, contract, guide, policies
    /// and a GitHub Actions workflow) in DIR, which must be new or empty.
    Init { dir: PathBuf },
    /// Internal: evaluates Rego policies for another meshport process (request on stdin).
    #[command(name = "rego-worker", hide = true)]
    RegoWorker {
        /// Address-space limit, in bytes.
        #[arg(long)]
        memory: u64,
        /// CPU-time limit, in seconds.
        #[arg(long)]
        cpu: u64,
    },
}

fn main() {
    meshport::render::search::configure_process();
    let cli = Cli::parse();
    meshport::diag::set_color(cli.color);
    // Rego policies run in a child process of this same binary, so no policy can take it down.
    // /proc/self/exe still names this binary when a rebuild has replaced the file (`serve`).
    let exe = std::path::Path::new("/proc/self/exe");
    if let Some(exe) = exe
        .exists()
        .then(|| exe.to_path_buf())
        .or_else(|| std::env::current_exe().ok())
    {
        meshport::check::rego::use_executable(exe);
    }
    let result = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            quiet,
        } => cmd::build::run(&BuildArgs {
            root,
            output,
            base_url,
            quiet,
        }),
        Command::Check { root, format } => cmd::check::run(&root, format),
        Command::Serve { root, port, bind, open } => cmd::serve::run(&ServeArgs { root, bind, port, open }),
        Command::Diff {
            base,
            root,
            format,
            fail_on_breaking,
        } => cmd::diff::run(&DiffArgs {
            root,
            base,
            format,
            fail_on_breaking,
        }),
        Command::Init { dir } => cmd::init::run(&dir),
        Command::Convert { file, output, in_place } => {
            cmd::convert::run(&cmd::convert::ConvertArgs { file, output, in_place })
        }
        Command::Rules => {
            print!("{}", meshport::check::rules::markdown());
            Ok(cmd::EXIT_OK)
        }
        Command::RegoWorker { memory, cpu } => std::process::exit(meshport::check::rego::worker::main(
            meshport::check::rego::worker::Limits {
                memory,
                cpu_seconds: cpu,
            },
        )),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            cmd::EXIT_FAILURE
        }
    };
    std::process::exit(code);
}
