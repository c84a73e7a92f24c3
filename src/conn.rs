//! The connections under the ureq agent, sized for Auth.js (issue 17).
//!
//! ureq's default connector gives every connection two 128 KiB buffers, allocated and
//! zero-filled on first use, and builds a rustls configuration (with its root store)
//! per agent: a client that made one https request held ≈ 760 KiB, one over http
//! ≈ 267 KiB. Auth.js replies are a few KiB. So the chain here is ureq's own TCP (and
//! HTTP CONNECT proxy) connectors, then
//!
//! - [`TlsConnector`]: rustls with a configuration built once per process for each set
//!   of extra root CAs ([`shared_tls_config`], counted by [`tls_stats`]), so clients and
//!   user handles share the root store and the session-resumption cache;
//! - [`LeanConnector`]: every connection wrapped in [`Lean`], whose buffers start at a
//!   few KiB and grow only for the reply (or request) that needs more, up to ureq's
//!   header limit, so a 50 kB cookie jar still works.
//!
//! `Lean` also removes system calls ureq makes per request without need (see
//! [`Lean::is_open`] and [`coarse`]). Uses ureq's `unversioned` API, pinned by
//! `Cargo.lock`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use ureq::unversioned::transport::time::Duration as UDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// Size of the buffers of the layers under [`Lean`] (TCP, TLS), each direction. Lean
/// copies through them, so they bound one read or write system call, not a reply.
pub(crate) const LAYER_BUFFER: usize = 8 * 1024;
/// What a [`Lean`] connection's input buffer starts at: an Auth.js reply's headers
/// and body usually fit.
const INPUT_START: usize = 4 * 1024;
/// The smallest output buffer: the request line and any header line shorter than it.
const OUTPUT_START: usize = 2 * 1024;
/// ureq reads a request body into the free part of the input buffer in pieces of at
/// least this (its own constant).
const MIN_TMP: usize = 10 * 1024;

static TLS_CONFIGS_BUILT: AtomicU64 = AtomicU64::new(0);
static TLS_HANDSHAKES: AtomicU64 = AtomicU64::new(0);

/// What this process did with TLS: how many rustls client configurations (each with
/// its root store) it built, and how many handshakes it made. For tests and
/// benchmarks: a pool of clients for one server should build one configuration and
/// make one handshake per connection, not one per user or per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TlsStats {
    /// rustls `ClientConfig`s built (one per distinct set of extra root CAs alive).
    pub configs_built: u64,
    /// TLS handshakes completed (new connections over https).
    pub handshakes: u64,
}

/// The process's [`TlsStats`] so far.
pub fn tls_stats() -> TlsStats {
    TlsStats {
        configs_built: TLS_CONFIGS_BUILT.load(Ordering::Relaxed),
        handshakes: TLS_HANDSHAKES.load(Ordering::Relaxed),
    }
}

/// A configuration for a set of extra roots, alive while a client holds it.
type CachedConfig = (Vec<Vec<u8>>, Weak<rustls::ClientConfig>);

/// The rustls configuration for `extra_roots` (DER certificates trusted on top of the
/// Mozilla roots): built the first time, then shared by every client that asks while
/// one of them holds it. Without extra roots it lives for the whole process (its root
/// store borrows the compiled-in roots, so it is small).
pub(crate) fn shared_tls_config(
    extra_roots: &[Vec<u8>],
) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    static DEFAULT: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    static CUSTOM: Mutex<Vec<CachedConfig>> = Mutex::new(Vec::new());
    if extra_roots.is_empty() {
        if let Some(c) = DEFAULT.get() {
            return Ok(c.clone());
        }
        let built = build_tls_config(&[])?;
        // Two threads may race to build the first one; one wins and is counted.
        return Ok(DEFAULT.get_or_init(|| built).clone());
    }
    // Held while building (a few ms, no I/O): identical clients built at once share.
    let mut cache = CUSTOM.lock().unwrap_or_else(|p| p.into_inner());
    cache.retain(|(_, w)| w.strong_count() > 0);
    if let Some(c) = cache
        .iter()
        .find(|(k, _)| k.as_slice() == extra_roots)
        .and_then(|(_, w)| w.upgrade())
    {
        return Ok(c);
    }
    let built = build_tls_config(extra_roots)?;
    cache.push((extra_roots.to_vec(), Arc::downgrade(&built)));
    Ok(built)
}

/// A TLS configuration of its own (not shared), counted like the shared ones.
pub(crate) fn build_tls_config(
    extra_roots: &[Vec<u8>],
) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for der in extra_roots {
        roots.add(rustls::pki_types::CertificateDer::from(der.as_slice()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    TLS_CONFIGS_BUILT.fetch_add(1, Ordering::Relaxed);
    Ok(Arc::new(config))
}

/// Wraps the connection in TLS for https URLs, with a shared configuration.
pub(crate) struct TlsConnector(pub Arc<rustls::ClientConfig>);

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsConnector")
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .authority()
            .map(|a| a.host())
            .ok_or(ureq::Error::Tls("no host to verify the certificate for"))?;
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let name = rustls::pki_types::ServerName::try_from(bare.to_string())
            .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))?;
        let mut conn =
            rustls::ClientConnection::new(self.0.clone(), name).map_err(ureq::Error::Rustls)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        TLS_HANDSHAKES.fetch_add(1, Ordering::Relaxed);
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(LAYER_BUFFER, LAYER_BUFFER),
            stream: rustls::StreamOwned::new(conn, sock),
        })))
    }
}

/// A TLS connection: rustls over the chained transport.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: rustls::StreamOwned<rustls::ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        use std::io::Write;
        self.stream.sock.set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        use std::io::Read;
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let n = self.stream.read(input)?;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// The last connector of the chain: wraps each connection in [`Lean`].
#[derive(Debug)]
pub(crate) struct LeanConnector;

impl<In: Transport> Connector<In> for LeanConnector {
    type Out = Lean<In>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        // One byte over ureq's header limit, so that an oversized reply is its "headers
        // too large" error and not a stalled read.
        let max_input = details.config.max_response_header_size() + 1;
        Ok(chained.map(|inner| Lean {
            inner,
            buffers: GrowingBuffers {
                max_input,
                ..GrowingBuffers::default()
            },
            just_used: false,
        }))
    }
}

thread_local! {
    /// The longest line of the request being sent on this thread (see
    /// [`set_request_line_hint`]).
    static LONGEST_LINE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Tells the connection how long the longest line of the next request on this thread
/// is (its `Cookie` header, usually). ureq writes a request line by line into the
/// output buffer and fails with "output too small" on a line that does not fit, so
/// the buffer must be sized before the request; the transport knows the request, so
/// it says. ureq runs a request's connection I/O on the calling thread.
pub(crate) fn set_request_line_hint(longest: usize) {
    LONGEST_LINE.with(|c| c.set(longest));
}

/// A connection with buffers sized by what crosses it: see the module docs.
pub(crate) struct Lean<T> {
    inner: T,
    buffers: GrowingBuffers,
    /// I/O happened since the last [`is_open`](Lean::is_open).
    just_used: bool,
}

impl<T: Transport> fmt::Debug for Lean<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lean").field("inner", &self.inner).finish()
    }
}

impl<T: Transport> Transport for Lean<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = coarse(timeout);
        let mut sent = 0;
        while sent < amount {
            let out = self.inner.buffers().output();
            let n = out.len().min(amount - sent);
            out[..n].copy_from_slice(&self.buffers.output[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.just_used = true;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if self.inner.buffers().input().is_empty() && !self.inner.await_input(coarse(timeout))? {
            return Ok(false);
        }
        let available = self.inner.buffers().input();
        let free = self.buffers.input_append_buf();
        let n = free.len().min(available.len());
        free[..n].copy_from_slice(&available[..n]);
        self.buffers.input_appended(n);
        self.inner.buffers().input_consume(n);
        self.just_used = true;
        Ok(n > 0)
    }

    /// ureq probes a connection when it goes back to the pool and again when it is
    /// taken out: each probe is a non-blocking one-byte read between two `ioctl`s
    /// switching the socket's mode. The first is skipped for a connection that was just
    /// used: bytes the server sent after the reply are in the buffer (which ureq checks)
    /// or still in the socket, where the probe on taking it out finds them, and a
    /// connection the server closes is found then too.
    fn is_open(&mut self) -> bool {
        if std::mem::take(&mut self.just_used) {
            return true;
        }
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// `timeout` rounded down to at most 1/32 (3%) below itself, in steps of a power of two
/// milliseconds. ureq gives every read and write the time left to its deadline, always
/// a new value, and the socket layer sets the socket's timeouts again whenever the
/// value changes: two `setsockopt` calls per request. Rounded, consecutive requests
/// ask for the same value and the socket keeps it. Never longer than asked (the
/// deadline holds); short timeouts (below 64 ms) are left exact.
fn coarse(mut timeout: NextTimeout) -> NextTimeout {
    if let UDuration::Exact(d) = timeout.after {
        let ms = d.as_millis();
        if ms >= 64 {
            let step = 1u128 << (127 - (ms / 32).leading_zeros());
            let rounded = (ms / step) * step;
            timeout.after = UDuration::Exact(std::time::Duration::from_millis(
                rounded.min(u64::MAX as u128) as u64,
            ));
        }
    }
    timeout
}

/// Buffers that start small and grow for what crosses them (ureq's `Buffers`
/// contract: `input()` is the unconsumed input, `input_append_buf()` the free space
/// after it).
#[derive(Default)]
struct GrowingBuffers {
    input: Vec<u8>,
    /// Unconsumed input is `input[start..end]`.
    start: usize,
    end: usize,
    /// The last `input_consume` consumed something (ureq's progress rule).
    progress: bool,
    output: Vec<u8>,
    max_input: usize,
}

impl GrowingBuffers {
    /// Output room for the current request's longest line.
    fn ensure_output(&mut self) {
        let want = LONGEST_LINE
            .with(|c| c.get())
            .saturating_add(64)
            .max(OUTPUT_START);
        if self.output.len() < want {
            self.output.resize(want, 0);
        }
    }

    /// Free input space of at least `min` bytes (as far as `max_input` allows): moves
    /// the unconsumed bytes to the front, then grows.
    fn ensure_free(&mut self, min: usize) {
        if self.input.len() - self.end >= min {
            return;
        }
        if self.start > 0 {
            self.input.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.input.len() - self.end < min {
            let mut size = self.input.len().max(INPUT_START);
            while size - self.end < min && size < self.max_input {
                size = (size * 2).min(self.max_input.max(INPUT_START));
            }
            if size > self.input.len() {
                self.input.resize(size, 0);
            }
        }
    }
}

impl Buffers for GrowingBuffers {
    fn output(&mut self) -> &mut [u8] {
        self.ensure_output();
        &mut self.output
    }

    fn input(&self) -> &[u8] {
        &self.input[self.start..self.end]
    }

    fn input_append_buf(&mut self) -> &mut [u8] {
        self.ensure_free(1);
        &mut self.input[self.end..]
    }

    fn input_appended(&mut self, amount: usize) {
        self.end = (self.end + amount).min(self.input.len());
    }

    fn input_consume(&mut self, amount: usize) {
        self.progress = amount > 0;
        self.start = (self.start + amount).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        self.ensure_output();
        self.ensure_free(MIN_TMP);
        (&mut self.input[self.end..], &mut self.output)
    }

    fn can_use_input(&self) -> bool {
        self.start < self.end && self.progress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_grows_to_the_limit_and_compacts() {
        let mut b = GrowingBuffers {
            max_input: 20_000,
            ..GrowingBuffers::default()
        };
        assert_eq!(b.input_append_buf().len(), INPUT_START);
        let mut total = 0;
        // Nothing consumed (headers not complete yet): it grows, then stops at the cap.
        loop {
            let free = b.input_append_buf().len();
            if free == 0 {
                break;
            }
            b.input_appended(free);
            total += free;
        }
        assert_eq!(total, 20_000);
        assert_eq!(b.input().len(), 20_000);
        b.input_consume(19_000);
        assert!(b.can_use_input());
        assert_eq!(b.input_append_buf().len(), 19_000, "compacted");
        assert_eq!(b.input().len(), 1_000);
        b.input_consume(1_000);
        assert!(b.input().is_empty() && !b.can_use_input());
    }

    #[test]
    fn output_fits_the_longest_line() {
        let mut b = GrowingBuffers::default();
        set_request_line_hint(0);
        assert_eq!(b.output().len(), OUTPUT_START);
        set_request_line_hint(50_000);
        assert!(b.output().len() >= 50_000);
        set_request_line_hint(0);
    }

    #[test]
    fn coarse_timeouts_are_never_longer_and_at_most_3_percent_shorter() {
        let mk = |d: std::time::Duration| NextTimeout {
            after: UDuration::Exact(d),
            ..NextTimeout::default()
        };
        for ms in [0u64, 1, 63, 64, 100, 999, 1000, 29_999, 30_000, 86_400_000] {
            let d = std::time::Duration::from_millis(ms) + std::time::Duration::from_micros(345);
            let UDuration::Exact(got) = coarse(mk(d)).after else {
                panic!()
            };
            assert!(got <= d, "{ms}");
            assert!(
                got.as_secs_f64() >= d.as_secs_f64() * (1.0 - 1.0 / 32.0) - 0.001,
                "{ms}"
            );
        }
        // Consecutive requests ask for the same value.
        let a = coarse(mk(std::time::Duration::from_micros(29_999_700))).after;
        let b = coarse(mk(std::time::Duration::from_micros(29_999_100))).after;
        assert_eq!(a, b);
        assert!(coarse(NextTimeout::default()).after.is_not_happening());
    }
}
