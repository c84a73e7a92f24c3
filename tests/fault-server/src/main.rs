//! `authjs-fault-server [--port PORT] [--list]`: serves every fault scenario over
//! HTTP on 127.0.0.1 for the C, C++ and Python suites (see `tests/servers/README.md`).
//! It runs until it is killed; `tests/servers/with-servers.sh` starts and stops it.

use authjs_fault_server::{FaultServer, scenarios};
use std::net::TcpListener;

fn main() {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = match args.next().and_then(|p| p.parse().ok()) {
                    Some(p) => p,
                    None => usage("--port needs a number"),
                }
            }
            "--list" => {
                for s in scenarios::all() {
                    println!(
                        "{}\t{}",
                        s.name,
                        s.summary.split_whitespace().collect::<Vec<_>>().join(" ")
                    );
                }
                return;
            }
            other => usage(&format!("unknown argument {other:?}")),
        }
    }
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("authjs-fault-server: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    // The request log keeps counts only: bodies are never stored by the long-lived
    // server.
    let server = FaultServer::start_with(listener, None, false);
    println!("authjs-fault-server: listening on {}", server.origin());
    server.wait();
}

fn usage(problem: &str) -> ! {
    eprintln!("authjs-fault-server: {problem}\nusage: authjs-fault-server [--port PORT] [--list]");
    std::process::exit(2);
}
