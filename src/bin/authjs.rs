//! `authjs`: the command-line client for Auth.js / NextAuth.js servers.
//!
//! A thin layer over [`authjs::Client`]: argument parsing, the per-server cookie jar
//! file, stdin/terminal input and output formatting live here; the protocol does not.
//! See `docs/cli.md` for the user documentation and the exit statuses.

// The crate root is src/bin/authjs.rs, so its modules are named by path.
#[path = "authjs/args.rs"]
mod args;
#[path = "authjs/input.rs"]
mod input;
#[path = "authjs/jar.rs"]
mod jar;
#[path = "authjs/output.rs"]
mod output;
#[path = "authjs/token.rs"]
mod token;

use args::{Cli, Command, CookieFormat, CookiesAction};
use authjs::{
    Body, Client, DEFAULT_CONNECT_TIMEOUT, Endpoint, ErrorKind, Event, Session, SignInOptions,
    SignInResponse, SignOutOptions, Status, WatchOptions,
};
use clap::Parser;
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

/// Exit status when the server refused a sign-in.
const EXIT_REFUSED: u8 = 1;
/// Exit status for usage errors (clap uses it too).
const EXIT_USAGE: u8 = 2;
/// Exit status when there is no session where one is required.
const EXIT_NOT_SIGNED_IN: u8 = 3;
/// Exit status of an interrupted password prompt (128 + SIGINT).
const EXIT_INTERRUPTED: u8 = 130;

/// The exit status of a core error: `10 +` its number in the kind table (11 invalid
/// argument … 20 I/O).
fn exit_code(kind: ErrorKind) -> u8 {
    u8::try_from(10 + kind.info().code).unwrap_or(u8::MAX)
}

/// Why the command failed: an exit status and a message for stderr (never a secret).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// Shown with `--verbose`.
    pub detail: Option<String>,
    /// Exit without a message (stdout closed, Ctrl-C at a prompt).
    pub quiet: bool,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            detail: None,
            quiet: false,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(EXIT_USAGE, message)
    }

    pub fn io(message: impl Into<String>) -> Self {
        Self::new(exit_code(ErrorKind::Io), message)
    }

    pub fn interrupted() -> Self {
        Failure {
            quiet: true,
            ..Self::new(EXIT_INTERRUPTED, "interrupted")
        }
    }
}

impl From<authjs::Error> for Failure {
    fn from(e: authjs::Error) -> Self {
        let mut detail = format!("error kind: {}", e.kind());
        if let Some(s) = e.status() {
            detail.push_str(&format!("; HTTP status {s}"));
        }
        if let Some(b) = e.body_excerpt() {
            detail.push_str(&format!("; the reply begins: {}", output::clean(b)));
        }
        Failure {
            detail: Some(detail),
            ..Failure::new(exit_code(e.kind()), e.message())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbose = cli.verbose;
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if !f.quiet {
                eprintln!("authjs: {}", f.message);
                if verbose && let Some(d) = &f.detail {
                    eprintln!("authjs: ({d})");
                }
            }
            ExitCode::from(f.code)
        }
    }
}

/// The server URL: `--url`, else `AUTH_URL`, else `NEXTAUTH_URL` (empty values are
/// ignored).
fn server_url(flag: Option<String>) -> Result<String, Failure> {
    let non_empty = |v: String| (!v.trim().is_empty()).then_some(v);
    flag.and_then(non_empty)
        .or_else(|| std::env::var("AUTH_URL").ok().and_then(non_empty))
        .or_else(|| std::env::var("NEXTAUTH_URL").ok().and_then(non_empty))
        .ok_or_else(|| {
            Failure::usage(
                "no server URL: pass --url URL or set AUTH_URL (or NEXTAUTH_URL), e.g. \
                 http://127.0.0.1:3000",
            )
        })
}

fn run(cli: Cli) -> Result<u8, Failure> {
    if let Command::Token { action } = cli.command {
        // No jar, and a server only for `mint --url`.
        let url = server_url(cli.url).ok();
        let reach = token::Reach {
            url,
            ca_cert: cli.ca_cert,
            base_path: cli.base_path,
            allow_http: cli.allow_http,
        };
        return token::run(action, reach);
    }
    let url = server_url(cli.url)?;
    let endpoint = Endpoint::parse(&url, cli.base_path.as_deref())?;
    let jar = match cli.jar {
        Some(p) => p,
        None => jar::default_path(&endpoint)?,
    };
    if cli.verbose {
        eprintln!(
            "authjs: server {}, cookie jar {}",
            endpoint.base_url(),
            jar.display()
        );
    }
    let mut builder = Client::builder(url)
        .cookie_file(jar)
        .allow_insecure_http(cli.allow_http);
    if let Some(p) = cli.base_path {
        builder = builder.base_path(p);
    }
    if let Some(t) = cli.timeout {
        builder = builder
            .timeout(t)
            .connect_timeout(t.min(DEFAULT_CONNECT_TIMEOUT));
    }
    for ca in cli.ca_cert {
        builder = builder.add_root_certificate_file(ca);
    }
    let client = builder.build().map_err(|e| {
        let refused_http = e.kind() == ErrorKind::InvalidArgument
            && !endpoint.is_https()
            && !endpoint.is_loopback();
        let mut f = Failure::from(e);
        if refused_http && !cli.allow_http {
            f.message.push_str(" (with this tool: --allow-http)");
        }
        f
    })?;
    let ctx = Ctx {
        client,
        json: cli.json,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Providers => ctx.providers(),
        Command::Csrf => ctx.csrf(),
        Command::Session { require } => ctx.session(require),
        Command::Lookup { require } => ctx.lookup(require),
        Command::Watch {
            interval,
            refreshed,
            exit_on_signout,
        } => ctx.watch(interval, refreshed, exit_on_signout),
        Command::Signin {
            provider,
            fields,
            password_stdin,
            callback_url,
            params,
            open,
            no_wait,
        } => ctx.sign_in(
            provider,
            fields,
            password_stdin,
            callback_url,
            params,
            (open, no_wait),
        ),
        Command::Complete { link } => ctx.complete(link),
        Command::CompleteForm {
            action,
            fields,
            html,
        } => ctx.complete_form(action, fields, html),
        Command::Update { data } => ctx.update(data),
        Command::Signout { callback_url } => ctx.sign_out(callback_url),
        Command::Fetch {
            method,
            data,
            headers,
            include,
            no_fail,
            path,
        } => ctx.fetch(method, data, headers, include, no_fail, path),
        Command::Cookies {
            action: Some(CookiesAction::Import { file, format }),
            ..
        } => ctx.import_cookies(&file, format),
        Command::Cookies {
            format,
            clear,
            action: None,
        } => ctx.cookies(format, clear),
        Command::Token { .. } => Err(Failure::usage("token: handled before the jar is opened")),
    }
}

struct Ctx {
    client: Client,
    json: bool,
    verbose: bool,
}

impl Ctx {
    fn providers(&self) -> Result<u8, Failure> {
        let providers = self.client.get_providers()?;
        if self.json {
            print_json(&serde_json::to_value(&providers).unwrap_or(Value::Null))?;
        } else {
            out(output::providers_table(&providers).as_bytes())?;
        }
        Ok(0)
    }

    fn csrf(&self) -> Result<u8, Failure> {
        let token = self.client.get_csrf_token()?;
        if self.json {
            print_json(&json!({ "csrfToken": token }))?;
        } else {
            out(format!("{token}\n").as_bytes())?;
        }
        Ok(0)
    }

    fn session(&self, require: bool) -> Result<u8, Failure> {
        let session = self.client.get_session()?;
        self.print_session(session.as_ref())?;
        Ok(if session.is_none() && require {
            EXIT_NOT_SIGNED_IN
        } else {
            0
        })
    }

    /// `lookup`: the backend lookup of a `Cookie` header on stdin (a credential, so
    /// never an argument). A leading `Cookie:` (a header copied whole from a browser's
    /// developer tools) and the line end are dropped. Always JSON: the output is for
    /// programs, and the cookies in it are to be forwarded as they are.
    fn lookup(&self, require: bool) -> Result<u8, Failure> {
        let bytes = input::stdin_bytes("the Cookie header")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Failure::usage("the Cookie header on stdin is not valid UTF-8"))?;
        let mut header = text.trim();
        if let Some(rest) = header
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("cookie:"))
            .and_then(|_| header.get(7..))
        {
            header = rest.trim_start();
        }
        if header.contains(['\r', '\n']) {
            return Err(Failure::usage(
                "stdin holds more than one line: pass one Cookie header",
            ));
        }
        let found = self.client.lookup(header)?;
        print_json(&found.to_json())?;
        Ok(if found.session.is_none() && require {
            EXIT_NOT_SIGNED_IN
        } else {
            0
        })
    }

    /// `watch`: one line per event (JSON lines with `--json`), on this thread (the
    /// core's `Watch` starts none). Ctrl-C ends the process; the jar is consistent at
    /// any moment (atomic writes).
    fn watch(
        &self,
        interval: Duration,
        refreshed: bool,
        exit_on_signout: bool,
    ) -> Result<u8, Failure> {
        let options = WatchOptions::new()
            .refetch_interval(interval)
            .emit_refreshed(refreshed);
        let mut watch = self.client.watch(options)?;
        loop {
            let Some(event) = watch.next_event(Duration::from_secs(3600)) else {
                continue;
            };
            // JSON lines: one compact object per line.
            let line = if self.json {
                event.to_json().to_string()
            } else {
                output::event_line(&event)
            };
            out(format!("{line}\n").as_bytes())?;
            let signed_out = matches!(
                event,
                Event::SignedOut(_)
                    | Event::Initial {
                        status: Status::Unauthenticated,
                        ..
                    }
            );
            if exit_on_signout && signed_out {
                return Ok(EXIT_NOT_SIGNED_IN);
            }
        }
    }

    /// The session as JSON (`null` when signed out) or as one line.
    fn print_session(&self, session: Option<&Session>) -> Result<(), Failure> {
        match (session, self.json) {
            (Some(s), true) => print_json(s.raw()),
            (None, true) => print_json(&Value::Null),
            (Some(s), false) => out(format!("{}\n", output::session_line(s)).as_bytes()),
            (None, false) => out(b"Not signed in\n"),
        }
    }

    fn sign_in(
        &self,
        provider: Option<String>,
        raw_fields: Vec<String>,
        password_stdin: bool,
        callback_url: Option<String>,
        raw_params: Vec<String>,
        (open, no_wait): (bool, bool),
    ) -> Result<u8, Failure> {
        let mut fields = raw_fields
            .iter()
            .map(|f| input::key_value(f, "-f"))
            .collect::<Result<Vec<_>, _>>()?;
        if password_stdin {
            if fields.iter().any(|(k, _)| k == "password") {
                return Err(Failure::usage(
                    "--password-stdin and -f password=... both set the password",
                ));
            }
            fields.push(("password".to_string(), "-".to_string()));
        }
        if fields.iter().filter(|(_, v)| v == "-").count() > 1 {
            return Err(Failure::usage(
                "only one field can be read from stdin (-f KEY=- or --password-stdin)",
            ));
        }
        for (k, v) in &fields {
            if v != "-" && k.to_ascii_lowercase().contains("password") {
                eprintln!(
                    "authjs: warning: a password on the command line is visible to other \
                     users and kept in shell history; use -f {k}=- or --password-stdin"
                );
            }
        }
        let params = raw_params
            .iter()
            .map(|p| input::key_value(p, "--param"))
            .collect::<Result<Vec<_>, _>>()?;

        // Looking the provider up first primes the core's cache (sign_in then sends no
        // second providers request), tells how to describe the outcome, and avoids
        // prompting for a password for a provider the server does not have.
        let kind = match &provider {
            // An unknown id is the core's UnknownProvider error, with the known ids.
            Some(id) => Some(self.client.provider(id)?.kind),
            None => None,
        };

        for (k, v) in fields.iter_mut() {
            if v == "-" {
                let prompt = format!("{}: ", capitalised(k));
                *v = input::secret_line(&prompt, &format!("the value of -f {k}=-"))?;
            }
        }
        let mut options = SignInOptions::new();
        options.fields = fields;
        options.callback_url = callback_url;
        options.authorization_params = params;
        let res = self.client.sign_in(provider.as_deref(), options)?;
        if !res.ok {
            return self.refused(&res);
        }
        if matches!(kind.as_deref(), Some("oauth" | "oidc")) && !no_wait {
            return self.oauth_in_browser(&res, open);
        }
        if self.json {
            print_json(&res.to_json())?;
            return Ok(0);
        }
        let url = res.url.as_deref().map(output::clean).unwrap_or_default();
        match kind.as_deref() {
            None => out(format!("Sign in with a browser at: {url}\n").as_bytes()).map(|_| 0),
            Some("credentials") => self.signed_in(),
            Some("email") => out(
                "A sign-in link is on its way. Finish with:\n  authjs complete -    \
                 (and paste the link, or pipe it in)\n"
                    .as_bytes(),
            )
            .map(|_| 0),
            // --no-wait: the URL alone on stdout, for scripts (`url=$(authjs signin …)`).
            Some("oauth") | Some("oidc") => out(format!("{url}\n").as_bytes()).map(|_| 0),
            Some(_) => out(format!("Next: {url}\n").as_bytes()).map(|_| 0),
        }
    }

    /// After a sign-in that should have set the session cookie: show the session.
    fn signed_in(&self) -> Result<u8, Failure> {
        match self.client.get_session()? {
            Some(s) => {
                out(format!("{}\n", output::session_line(&s)).as_bytes())?;
                Ok(0)
            }
            None => {
                eprintln!("authjs: the server accepted the sign-in but reports no session");
                Ok(EXIT_NOT_SIGNED_IN)
            }
        }
    }

    /// A sign-in the server refused: JSON on stdout with `--json`, a line on stderr.
    fn refused(&self, res: &SignInResponse) -> Result<u8, Failure> {
        if self.json {
            print_json(&res.to_json())?;
        }
        let mut line = match &res.error {
            Some(e) => format!("Sign-in refused: {}", output::clean(e)),
            None => format!("Sign-in refused (HTTP {})", res.status),
        };
        if self.verbose {
            match &res.code {
                Some(c) => line.push_str(&format!(
                    " (code {}, HTTP {})",
                    output::clean(c),
                    res.status
                )),
                None => line.push_str(&format!(" (HTTP {})", res.status)),
            }
        }
        eprintln!("{line}");
        Ok(EXIT_REFUSED)
    }

    fn complete(&self, url: String) -> Result<u8, Failure> {
        let url = if url == "-" {
            input::secret_line("Sign-in URL (not shown): ", "the sign-in URL")?
        } else {
            url
        };
        let res = self.client.complete_sign_in(url.trim())?;
        if !res.ok {
            return self.refused(&res);
        }
        if self.json {
            print_json(&res.to_json())?;
            return Ok(0);
        }
        self.signed_in()
    }

    /// The OAuth flow of a person at a terminal: the authorize URL and what to do on
    /// stderr (stdout keeps the result: the session line, or `--json`'s
    /// `SignInResponse` of the completion), the browser opened with `--open`, then the
    /// callback URL read from stdin and completed with this jar's state/PKCE/nonce
    /// cookies.
    ///
    /// Against an unmodified server the redirect URI is the server's own callback, so
    /// the browser visits it first; that visit carries none of these cookies and every
    /// tested server refuses it before redeeming the code (tests/cli.rs,
    /// tests/oauth.rs), which leaves the URL in the address bar completable here.
    fn oauth_in_browser(&self, res: &SignInResponse, open: bool) -> Result<u8, Failure> {
        let url = res.url.as_deref().unwrap_or_default();
        let mut text = format!(
            "Open this URL in a browser and sign in:\n{}\n",
            output::clean(url)
        );
        if open {
            match open_in_browser(url) {
                Ok(()) => text = format!("Opened in your browser:\n{}\n", output::clean(url)),
                Err(why) => text.push_str(&format!("(could not open a browser: {why})\n")),
            }
        }
        text.push_str(
            "The browser ends on this server's callback page (it may show an error: that \
             is expected).\nCopy the whole URL from the address bar and paste it here.\n",
        );
        eprint!("{text}");
        let pasted = input::secret_line("Callback URL (not shown): ", "the callback URL")?;
        self.finish(self.client.complete_sign_in(&pasted)?)
    }

    fn complete_form(
        &self,
        action: Option<String>,
        raw_fields: Vec<String>,
        html: Option<String>,
    ) -> Result<u8, Failure> {
        let res = match html {
            Some(file) => {
                let bytes = if file == "-" {
                    input::stdin_bytes("the provider's page")?
                } else {
                    std::fs::read(&file)
                        .map_err(|e| Failure::io(format!("cannot read {file}: {e}")))?
                };
                let page = String::from_utf8_lossy(&bytes);
                self.client.complete_sign_in_form_html(&page)?
            }
            None => {
                let fields = raw_fields
                    .iter()
                    .map(|f| input::key_value(f, "-f"))
                    .collect::<Result<Vec<_>, _>>()?;
                // clap requires ACTION without --html.
                let action = action.unwrap_or_default();
                self.client.complete_sign_in_form(&action, &fields)?
            }
        };
        self.finish(res)
    }

    /// The outcome of a completion: the session (or `--json`'s `SignInResponse`), or
    /// the refusal.
    fn finish(&self, res: SignInResponse) -> Result<u8, Failure> {
        if !res.ok {
            return self.refused(&res);
        }
        if self.json {
            print_json(&res.to_json())?;
            return Ok(0);
        }
        self.signed_in()
    }

    fn update(&self, data: Option<String>) -> Result<u8, Failure> {
        let parse = |bytes: &[u8]| {
            serde_json::from_slice::<Value>(bytes)
                .map_err(|e| Failure::usage(format!("the update data is not valid JSON: {e}")))
        };
        let data = match data.as_deref() {
            None => Value::Null,
            Some("-") => parse(&input::stdin_bytes("the update data")?)?,
            Some(s) => parse(s.as_bytes())?,
        };
        let session = self.client.update_session(data)?;
        self.print_session(session.as_ref())?;
        Ok(if session.is_some() {
            0
        } else {
            EXIT_NOT_SIGNED_IN
        })
    }

    fn sign_out(&self, callback_url: Option<String>) -> Result<u8, Failure> {
        let res = self.client.sign_out(SignOutOptions { callback_url })?;
        if self.json {
            print_json(&json!({ "url": res.url }))?;
        } else {
            out(b"Signed out\n")?;
        }
        Ok(0)
    }

    fn fetch(
        &self,
        method: Option<String>,
        data: Option<String>,
        raw_headers: Vec<String>,
        include: bool,
        no_fail: bool,
        path: String,
    ) -> Result<u8, Failure> {
        let headers = raw_headers
            .iter()
            .map(|h| input::header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let body = match data {
            None => None,
            // The core types the bytes (a `-H 'Content-Type: …'` overrides it), the same
            // way for every front end.
            Some(d) => Some(Body::Bytes(if d == "@-" {
                input::stdin_bytes("the request body")?
            } else if let Some(file) = d.strip_prefix('@') {
                std::fs::read(file).map_err(|e| Failure::io(format!("cannot read {file}: {e}")))?
            } else {
                d.into_bytes()
            })),
        };
        let method =
            method.unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.to_string());
        let res = self.client.request(&method, &path, body, &headers)?;
        if self.json {
            print_json(&res.to_json())?;
        } else {
            if include {
                let mut head = format!("HTTP {}\r\n", res.status);
                for (k, v) in &res.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                out(head.as_bytes())?;
            }
            out(&res.body)?;
            // Keep a terminal prompt (or the error line below) off the body's last line.
            if std::io::stdout().is_terminal() && res.body.last().is_some_and(|b| *b != b'\n') {
                out(b"\n")?;
            }
        }
        if res.status >= 400 && !no_fail {
            let shown = path.split(['?', '#']).next().unwrap_or("");
            eprintln!(
                "authjs: {} {}: the server answered HTTP {}",
                output::clean(&method),
                output::clean(shown),
                res.status
            );
            return Ok(exit_code(ErrorKind::Http));
        }
        Ok(0)
    }

    fn cookies(&self, format: Option<CookieFormat>, clear: bool) -> Result<u8, Failure> {
        if clear {
            self.client.clear_cookies()?;
            if !self.json {
                out(b"Cookie jar cleared\n")?;
            }
            return Ok(0);
        }
        let format = format.unwrap_or(if self.json {
            CookieFormat::Json
        } else {
            CookieFormat::Header
        });
        let text = match format {
            CookieFormat::Header => {
                let h = self.client.cookie_header();
                if h.is_empty() { h } else { h + "\n" }
            }
            CookieFormat::Netscape => {
                let header = self.client.cookie_header().len();
                if header > CURL_MAX_COOKIE_HEADER {
                    // curl -b silently stops adding cookies past this size, which loses
                    // the tail of a chunked session; a Cookie header has no such limit.
                    eprintln!(
                        "authjs: warning: these cookies make a {header}-byte Cookie header; \
                         curl -b sends at most {CURL_MAX_COOKIE_HEADER} bytes and would drop \
                         some. Use: curl -H \"Cookie: $(authjs cookies)\" URL"
                    );
                }
                self.client.netscape_cookies()
            }
            other => self.client.export_cookies_as(other.core())? + "\n",
        };
        out(text.as_bytes())?;
        Ok(0)
    }

    fn import_cookies(&self, file: &str, format: Option<CookieFormat>) -> Result<u8, Failure> {
        let format = format.map(CookieFormat::core);
        let report = if file == "-" {
            // As large as a cookie file may be; `yes | authjs cookies import -` ends.
            const LIMIT: u64 = 4 * 1024 * 1024;
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(std::io::stdin().lock(), LIMIT + 1),
                &mut bytes,
            )
            .map_err(|e| Failure::io(format!("cannot read the cookies from stdin: {e}")))?;
            if bytes.len() as u64 > LIMIT {
                return Err(Failure::usage("the cookies on stdin are larger than 4 MiB"));
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| Failure::usage("the cookies on stdin are not UTF-8 text"))?;
            self.client.import_cookies_as(format, &text)?
        } else {
            self.client.load_cookies_as(file, format)?
        };
        if self.json {
            print_json(&json!({ "imported": report.imported, "skipped": report.skipped }))?;
        } else {
            let skipped = if report.skipped == 0 {
                String::new()
            } else {
                format!(
                    " ({} skipped: other sites', expired, or secure cookies this server would \
                     not get)",
                    report.skipped
                )
            };
            out(format!("Imported {} cookies{skipped}\n", report.imported).as_bytes())?;
        }
        Ok(0)
    }
}

/// curl's cap on the `Cookie` header it builds from a cookie file (`MAX_COOKIE_HEADER_LEN`
/// in lib/cookie.c, 8190 bytes).
const CURL_MAX_COOKIE_HEADER: usize = 8190;

/// Opens `url` with the system's opener: `$AUTHJS_BROWSER` when set (a program, run
/// with the URL as its one argument), else `open` on macOS and `xdg-open` elsewhere. The
/// opener is waited for (both return once the browser has the URL), with no input and
/// its output discarded, so it can neither read the pasted URL nor garble the prompt.
fn open_in_browser(url: &str) -> Result<(), String> {
    let opener = std::env::var_os("AUTHJS_BROWSER")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".into()
            } else {
                "xdg-open".into()
            }
        });
    let name = opener.to_string_lossy().into_owned();
    let status = std::process::Command::new(&opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("{name}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} exited with {status}"))
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => output::clean(&(f.to_uppercase().collect::<String>() + c.as_str())),
        None => String::new(),
    }
}

/// Writes to stdout. A closed stdout (`authjs fetch … | head -1`) ends the program
/// quietly with status 0: the reader has what it wanted.
fn out(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure {
            quiet: true,
            ..Failure::new(0, "stdout closed")
        }),
        Err(e) => Err(Failure::io(format!("cannot write to stdout: {e}"))),
    }
}

fn print_json(v: &Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".to_string());
    out(format!("{text}\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_error_kinds() {
        let codes: Vec<u8> = ErrorKind::ALL.iter().map(|k| exit_code(*k)).collect();
        assert_eq!(codes, (11..=22).collect::<Vec<u8>>());
        assert_eq!(exit_code(ErrorKind::Network), 12);
        assert_eq!(exit_code(ErrorKind::UnknownProvider), 18);
    }

    /// `--help` and docs/cli.md list every kind's exit status: a kind added to the
    /// core's table shows up in the help by itself and fails here until documented.
    #[test]
    fn every_exit_status_is_documented() {
        let help = args::exit_status_help();
        let doc = include_str!("../../docs/cli.md");
        for &kind in ErrorKind::ALL {
            let code = exit_code(kind);
            assert!(
                help.contains(&format!("  {code}   {}", kind.info().summary)),
                "{kind}"
            );
            assert!(
                doc.contains(&format!("| {code} |")),
                "docs/cli.md lacks exit status {code}"
            );
        }
    }

    #[test]
    fn capitals() {
        assert_eq!(capitalised("password"), "Password");
        assert_eq!(capitalised(""), "");
    }
}
