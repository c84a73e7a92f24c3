//! The floor: the least a program can do to read the session over HTTP/1.1.
//!
//! One keep-alive `std::net::TcpStream` (TCP_NODELAY, like the client), a request
//! written by hand with the same headers the client sends (`Host`, `User-Agent`,
//! `Accept`, `Cookie`), and a reply read just far enough to know where it ends
//! (`Content-Length`, or chunked). No cookie jar, no JSON, no allocation per header.
//! It reconnects only when the server closes the connection.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};

pub struct Floor {
    addr: SocketAddr,
    request: Vec<u8>,
    conn: Option<BufReader<TcpStream>>,
    line: Vec<u8>,
    /// The last reply's body (kept so the read cannot be optimised away).
    pub body: Vec<u8>,
    /// Connections opened so far.
    pub connects: u64,
}

impl Floor {
    /// A floor client for `GET path` on `host:port` sending this `Cookie` header.
    pub fn new(host_port: &str, path: &str, user_agent: &str, cookie: &str) -> io::Result<Floor> {
        let addr = host_port
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::other("no address"))?;
        let mut request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host_port}\r\nUser-Agent: {user_agent}\r\n\
             Accept: application/json\r\n"
        );
        if !cookie.is_empty() {
            request.push_str("Cookie: ");
            request.push_str(cookie);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        Ok(Floor {
            addr,
            request: request.into_bytes(),
            conn: None,
            line: Vec::with_capacity(256),
            body: Vec::with_capacity(4096),
            connects: 0,
        })
    }

    fn connect(&mut self) -> io::Result<()> {
        let s = TcpStream::connect(self.addr)?;
        s.set_nodelay(true)?;
        self.conn = Some(BufReader::with_capacity(16 * 1024, s));
        self.connects += 1;
        Ok(())
    }

    /// Sends the request and reads the whole reply; returns the status.
    pub fn get(&mut self) -> io::Result<u16> {
        // A reused connection the server has closed fails on write or on the first
        // read: reconnect once, as any keep-alive client does.
        let reused = self.conn.is_some();
        match self.try_get() {
            Ok(s) => Ok(s),
            Err(_) if reused => {
                self.conn = None;
                self.try_get()
            }
            Err(e) => Err(e),
        }
    }

    fn try_get(&mut self) -> io::Result<u16> {
        if self.conn.is_none() {
            self.connect()?;
        }
        let conn = self.conn.as_mut().unwrap();
        conn.get_mut().write_all(&self.request)?;
        // Status line.
        self.line.clear();
        if conn.read_until(b'\n', &mut self.line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let status = parse_status(&self.line)?;
        let mut content_length: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            self.line.clear();
            if conn.read_until(b'\n', &mut self.line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let l = trim_crlf(&self.line);
            if l.is_empty() {
                break;
            }
            let Some(colon) = l.iter().position(|&b| b == b':') else {
                continue;
            };
            let (name, value) = (&l[..colon], trim(&l[colon + 1..]));
            if name.eq_ignore_ascii_case(b"content-length") {
                content_length = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                chunked = value.eq_ignore_ascii_case(b"chunked");
            } else if name.eq_ignore_ascii_case(b"connection") {
                close = value.eq_ignore_ascii_case(b"close");
            }
        }
        self.body.clear();
        if chunked {
            loop {
                self.line.clear();
                conn.read_until(b'\n', &mut self.line)?;
                let size_text = trim_crlf(&self.line);
                let size_text = size_text.split(|&b| b == b';').next().unwrap_or(b"");
                let size = usize::from_str_radix(
                    std::str::from_utf8(trim(size_text)).map_err(io::Error::other)?,
                    16,
                )
                .map_err(io::Error::other)?;
                if size == 0 {
                    // Trailers, then the empty line.
                    loop {
                        self.line.clear();
                        conn.read_until(b'\n', &mut self.line)?;
                        if trim_crlf(&self.line).is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = self.body.len();
                self.body.resize(start + size, 0);
                conn.read_exact(&mut self.body[start..])?;
                let mut crlf = [0u8; 2];
                conn.read_exact(&mut crlf)?;
            }
        } else if let Some(n) = content_length {
            self.body.resize(n, 0);
            conn.read_exact(&mut self.body)?;
        } else {
            conn.read_to_end(&mut self.body)?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        Ok(status)
    }
}

fn parse_status(line: &[u8]) -> io::Result<u16> {
    // "HTTP/1.1 200 OK"
    line.get(9..12)
        .and_then(|d| std::str::from_utf8(d).ok())
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| io::Error::other("bad status line"))
}

fn trim_crlf(l: &[u8]) -> &[u8] {
    let mut end = l.len();
    while end > 0 && (l[end - 1] == b'\n' || l[end - 1] == b'\r') {
        end -= 1;
    }
    &l[..end]
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &v[start..end]
}
