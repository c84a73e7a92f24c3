//! ureq reads proxy settings from the environment by default; authjs does not, unless
//! asked. One test in its own process, because it changes environment variables.

use authjs::Client;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A loopback HTTP server answering `null` to everything, counting requests.
fn counting_server() -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", l.local_addr().unwrap());
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    std::thread::spawn(move || {
        for stream in l.incoming().take(16) {
            let Ok(mut s) = stream else { continue };
            n2.fetch_add(1, Ordering::SeqCst);
            let head = read_head(&mut s);
            if head.starts_with(b"CONNECT ") {
                // A proxy tunnel: accept it, then answer the request inside.
                let _ = s.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                read_head(&mut s);
            }
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4\r\nconnection: close\r\n\r\nnull",
            );
        }
    });
    (addr, n)
}

/// Reads one request head (up to the blank line).
fn read_head(s: &mut std::net::TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
        match s.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => break,
        }
    }
    head
}

#[test]
fn environment_proxy_is_ignored_unless_opted_in() {
    let (server, server_hits) = counting_server();
    let (proxy, proxy_hits) = counting_server();
    // SAFETY: this test binary has a single test, so no other thread reads the
    // environment concurrently.
    unsafe {
        for k in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            std::env::set_var(k, &proxy);
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let direct = Client::new(&server).unwrap();
    assert!(direct.get_session().unwrap().is_none());
    assert_eq!(
        proxy_hits.load(Ordering::SeqCst),
        0,
        "the environment proxy was not used"
    );
    assert_eq!(server_hits.load(Ordering::SeqCst), 1);

    let via_env = Client::builder(&server).proxy("env").build().unwrap();
    assert!(via_env.get_session().unwrap().is_none());
    assert_eq!(
        proxy_hits.load(Ordering::SeqCst),
        1,
        "proxy(\"env\") opts in"
    );

    let explicit = Client::builder(&server)
        .proxy(proxy.clone())
        .build()
        .unwrap();
    assert!(explicit.get_session().unwrap().is_none());
    assert_eq!(proxy_hits.load(Ordering::SeqCst), 2);

    let e = Client::builder(&server)
        .proxy("::not a url::")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), authjs::ErrorKind::InvalidArgument);
}
