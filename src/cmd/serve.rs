//! `meshport serve`: live preview of the mesh (see `crate::serve`).

use std::net::IpAddr;
use std::path::PathBuf;

pub struct ServeArgs {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
}

pub fn run(args: &ServeArgs) -> anyhow::Result<i32> {
    crate::serve::run(&crate::serve::Options {
        root: args.root.clone(),
        bind: args.bind,
        port: args.port,
        open: args.open,
    })
}
