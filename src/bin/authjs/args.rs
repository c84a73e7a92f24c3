//! The command line, declared with clap.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// The exit statuses and environment, shown by `authjs --help` and documented in
/// `docs/cli.md`. The error rows come from the core's kind table (`10 + code`).
pub fn exit_status_help() -> String {
    let mut out = String::from(
        "Exit status:
  0    success
  1    sign-in refused by the server (wrong password, AccessDenied, Verification, ...)
  2    usage error (bad arguments, no server URL, nothing to read on stdin)
  3    not signed in (session --require; update or sign-in that leaves no session)
",
    );
    for kind in authjs::ErrorKind::ALL {
        let info = kind.info();
        out.push_str(&format!("  {:<4} {}\n", 10 + info.code, info.summary));
    }
    out.push_str(
        "  130  interrupted at a password prompt

Environment:
  AUTH_URL, NEXTAUTH_URL   default for --url (in that order)
  AUTH_SECRET, NEXTAUTH_SECRET
                           the secret(s) of `token decode|mint` (in that order;
                           comma-separated for rotation, the first encrypts)
  AUTHJS_JAR               default for --jar
  XDG_STATE_HOME           where the default cookie jars live ($XDG_STATE_HOME/authjs/,
                           else ~/.local/state/authjs/)",
    );
    out
}

#[derive(Parser, Debug)]
#[command(
    name = "authjs",
    version,
    about = "Talk to an Auth.js / NextAuth.js server from the shell: providers, CSRF, \
             sign-in, session, sign-out, authenticated requests",
    long_about = "Talk to an Auth.js / NextAuth.js server from the shell: what next-auth/react \
                  does in a browser (getProviders, getCsrfToken, signIn, getSession, \
                  update, signOut), plus authenticated requests to the app's own routes.\n\n\
                  Cookies persist between invocations in a per-server jar file (mode 0600), \
                  so `authjs signin` followed by `authjs fetch /api/me` just works.",
    after_help = exit_status_help(),
    max_term_width = 100
)]
pub struct Cli {
    /// The app's URL, as NEXTAUTH_URL / AUTH_URL (http://host:3000 means
    /// http://host:3000/api/auth) [default: $AUTH_URL, then $NEXTAUTH_URL]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL"
    )]
    pub url: Option<String>,

    /// The cookie jar file [default: $XDG_STATE_HOME/authjs/<server>.json]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE",
        env = "AUTHJS_JAR"
    )]
    pub jar: Option<PathBuf>,

    /// Trust this CA certificate (PEM) in addition to the system's roots; repeatable
    #[arg(
        long = "ca-cert",
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub ca_cert: Vec<PathBuf>,

    /// Print JSON shaped like the JS client's return values
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Timeout of each request, in seconds [default: 30]
    #[arg(long, global = true, help_heading = "Global options", value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// Allow plain http:// to a host that is not loopback (passwords and cookies travel
    /// unencrypted)
    #[arg(long = "allow-http", global = true)]
    pub allow_http: bool,

    /// The Auth.js API path, when it is not the URL's path [default: /api/auth]
    #[arg(
        long = "base-path",
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub base_path: Option<String>,

    /// Explain failures in more detail (error kind, HTTP status, start of the reply)
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the server's sign-in providers (getProviders)
    Providers,

    /// Print a CSRF token (getCsrfToken)
    Csrf,

    /// Show the current session (getSession)
    Session {
        /// Exit with status 3 when not signed in
        #[arg(long)]
        require: bool,
    },

    /// Look up the session of a browser's Cookie header read from stdin, as a backend
    /// does (getServerSession): prints {"session": ..., "setCookies": [...]}, the
    /// Set-Cookie values to forward. The jar is not used
    Lookup {
        /// Exit with status 3 when the header holds no session the server accepts
        #[arg(long)]
        require: bool,
    },

    /// Keep the session alive and print one line per change (SessionProvider):
    /// sign-in, update, sign-out (and why), offline/online. Sees other processes
    /// using the same jar. Runs until Ctrl-C
    #[command(after_help = "Examples:\n  \
        authjs watch --interval 60\n  \
        authjs watch --json --exit-on-signout | while read -r event; do ...; done")]
    Watch {
        /// Refetch the session every SECS seconds while signed in (default 300), which
        /// keeps a sliding session alive
        #[arg(long, value_name = "SECS", value_parser = parse_timeout, default_value = "300")]
        interval: Duration,
        /// Also print a line when only the expiry moved
        #[arg(long)]
        refreshed: bool,
        /// Exit with status 3 as soon as (or if already) signed out
        #[arg(long)]
        exit_on_signout: bool,
    },

    /// Sign in (signIn): credentials, email magic link, or start an OAuth flow
    #[command(after_help = "Examples:\n  \
        authjs signin credentials -f username=alice --password-stdin\n  \
        authjs signin email -f email=alice@example.com\n  \
        authjs signin github --param prompt=login\n  \
        authjs signin oidc --open          # then paste the URL the browser lands on\n  \
        url=$(authjs signin oidc --no-wait) && ... && authjs complete -")]
    Signin {
        /// Provider id (`authjs providers` lists them); without it, print the sign-in
        /// page URL
        #[arg(value_name = "PROVIDER")]
        provider: Option<String>,

        /// A form field; `-f password=-` reads the value from stdin (without echo on a
        /// terminal); repeatable
        #[arg(short = 'f', long = "field", value_name = "KEY=VALUE")]
        fields: Vec<String>,

        /// Shorthand for `-f password=-`
        #[arg(long)]
        password_stdin: bool,

        /// Where the server should send the user afterwards (callbackUrl)
        #[arg(long, value_name = "URL")]
        callback_url: Option<String>,

        /// An authorization parameter (OAuth: prompt, login_hint, ...); repeatable
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,

        /// OAuth: also open the authorize URL in the system browser (xdg-open, open)
        #[arg(long, conflicts_with = "no_wait")]
        open: bool,

        /// OAuth: print the authorize URL on stdout and exit, without reading the
        /// callback URL (finish later with `authjs complete -`)
        #[arg(long)]
        no_wait: bool,
    },

    /// Finish a sign-in with an email magic link or a captured OAuth callback URL
    Complete {
        /// The URL; `-` reads it from stdin (a magic link is a credential: prefer `-`)
        // Not named `url`: that id belongs to the global --url.
        #[arg(value_name = "URL")]
        link: String,
    },

    /// Finish an OAuth sign-in answered with response_mode=form_post: POST the
    /// provider's form (its action and fields) to the server's callback
    #[command(after_help = "Examples:\n  \
        authjs complete-form --html - < provider-page.html\n  \
        authjs complete-form http://127.0.0.1:3000/api/auth/callback/apple -f code=... -f state=...")]
    CompleteForm {
        /// The form's action (the server's callback URL); not with --html
        #[arg(
            value_name = "ACTION",
            required_unless_present = "html",
            conflicts_with = "html"
        )]
        action: Option<String>,

        /// A form field (code, state, ...); repeatable
        #[arg(
            short = 'f',
            long = "field",
            value_name = "KEY=VALUE",
            conflicts_with = "html"
        )]
        fields: Vec<String>,

        /// Read the action and fields from the provider's HTML page; `-` reads stdin
        #[arg(long, value_name = "FILE")]
        html: Option<String>,
    },

    /// Update the session (useSession().update); prints the new session
    Update {
        /// JSON data for the server's update trigger; `-` reads it from stdin; without
        /// it the session is only refreshed
        #[arg(value_name = "JSON")]
        data: Option<String>,
    },

    /// Sign out (signOut); the jar keeps no session cookie whatever the outcome
    Signout {
        /// Where the server should send the user afterwards (callbackUrl)
        #[arg(long, value_name = "URL")]
        callback_url: Option<String>,
    },

    /// Send an authenticated request to the app's own routes; the body goes to stdout
    #[command(
        after_help = "Exits with status 15 when the server answers HTTP 400 or more \
        (the body is still printed), unless --no-fail. Redirects are not followed.\n\n\
        Examples:\n  \
        authjs fetch /api/me\n  \
        authjs fetch -d '{\"a\":1}' /api/echo\n  \
        authjs fetch -X DELETE -H 'X-Thing: 1' /api/things/7"
    )]
    Fetch {
        /// HTTP method [default: GET, or POST with -d]
        #[arg(short = 'X', long = "request", value_name = "METHOD")]
        method: Option<String>,

        /// Request body; `@FILE` reads a file, `@-` stdin. Content-Type defaults to
        /// application/json for a JSON object or array, text/plain for other text,
        /// application/octet-stream for other bytes; set it with -H (a form needs
        /// -H 'Content-Type: application/x-www-form-urlencoded')
        #[arg(
            short = 'd',
            long = "data",
            value_name = "BODY",
            allow_hyphen_values = true
        )]
        data: Option<String>,

        /// A request header, `Name: value`; repeatable
        #[arg(short = 'H', long = "header", value_name = "HEADER")]
        headers: Vec<String>,

        /// Print the status line and the reply headers before the body
        #[arg(short = 'i', long)]
        include: bool,

        /// Exit 0 even when the server answers HTTP 400 or more
        #[arg(long)]
        no_fail: bool,

        /// A path (/api/me) or a URL of the same server
        #[arg(value_name = "PATH")]
        path: String,
    },

    /// Print the jar's cookies (credentials!) for other tools, import cookies, or clear the
    /// jar
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n  \
        curl -H \"Cookie: $(authjs cookies)\" http://127.0.0.1:3000/api/me\n  \
        authjs cookies --format netscape > jar.txt && curl -b jar.txt ...\n  \
        authjs cookies --format playwright > state.json   # browser.newContext({storageState})\n  \
        authjs cookies import state.json                  # a browser's session, back"
    )]
    Cookies {
        /// header: a Cookie header value; netscape: cookies.txt for `curl -b` and `wget
        /// --load-cookies`; playwright: a storageState; webdriver: a JSON list for
        /// Selenium/Cypress; json: the jar file format [default: header, or json with
        /// --json]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<CookieFormat>,

        /// Remove every cookie from the jar instead (a local sign-out)
        #[arg(long, conflicts_with = "format")]
        clear: bool,

        #[command(subcommand)]
        action: Option<CookiesAction>,
    },

    /// Decode or mint Auth.js session tokens with the app's secret (trusted backends
    /// and tests only; docs/tokens.md). The secret comes from $AUTH_SECRET, then
    /// $NEXTAUTH_SECRET (new,old for rotation) or --secret-file, never argv
    #[command(after_help = "Examples:\n  \
        echo \"$COOKIE_HEADER\" | AUTH_SECRET=... authjs token decode\n  \
        echo '{\"name\":\"Test\",\"email\":\"t@example.com\",\"sub\":\"1\"}' \\\n    \
        | authjs token mint --url http://127.0.0.1:3000 > cookie.txt\n  \
        curl -H \"Cookie: $(cat cookie.txt)\" http://127.0.0.1:3000/api/me")]
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Read a Cookie header (or `Authorization: Bearer ...`, or a bare token) on stdin
    /// and print the session token's claims as JSON (chunks joined, exp/nbf checked)
    Decode {
        /// The session cookie's name [default: the one in the header
        /// (next-auth.session-token, authjs.session-token, __Secure- forms)]
        #[arg(long, value_name = "NAME")]
        cookie_name: Option<String>,
        /// Read the secret(s) from FILE (one per line, first encrypts) instead of the
        /// environment
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
    },
    /// Read claims JSON on stdin and print a session cookie the server accepts
    Mint {
        /// The session cookie's name [default: with --url, the name the server uses,
        /// learned with one request]
        #[arg(long, value_name = "NAME")]
        cookie_name: Option<String>,
        /// Read the secret(s) from FILE (one per line, first encrypts) instead of the
        /// environment
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
        /// header: a Cookie header value (`name=value`, or `name.0=...; name.1=...`);
        /// set-cookie: Set-Cookie values, one per line; playwright: a storageState
        /// (needs --url)
        #[arg(long, value_enum, value_name = "FORMAT", default_value = "header")]
        format: MintFormat,
        /// Lifetime in seconds when the claims have no `exp` [default: 30 days]
        #[arg(long, value_name = "SECS")]
        max_age: Option<u64>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MintFormat {
    Header,
    SetCookie,
    Playwright,
}

#[derive(Subcommand, Debug)]
pub enum CookiesAction {
    /// Replace the jar (the session) with the cookies in FILE: a Playwright
    /// storageState, an authjs jar file, a WebDriver cookie list, a cookies.txt or a
    /// Cookie header. Only this server's cookies are taken from a browser's.
    Import {
        /// The file to read; `-` reads stdin
        #[arg(value_name = "FILE")]
        file: String,

        /// The file's format [default: told from its content]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<CookieFormat>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieFormat {
    Header,
    Netscape,
    Playwright,
    Webdriver,
    Json,
}

impl CookieFormat {
    /// The core's format of the same name.
    pub fn core(self) -> authjs::CookieFormat {
        match self {
            CookieFormat::Header => authjs::CookieFormat::Header,
            CookieFormat::Netscape => authjs::CookieFormat::Netscape,
            CookieFormat::Playwright => authjs::CookieFormat::Playwright,
            CookieFormat::Webdriver => authjs::CookieFormat::WebDriver,
            CookieFormat::Json => authjs::CookieFormat::Jar,
        }
    }
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| "expected a number of seconds, e.g. 30 or 2.5".to_string())?;
    if secs.is_nan() || secs <= 0.0 {
        return Err("the timeout must be greater than zero".to_string());
    }
    Duration::try_from_secs_f64(secs).map_err(|_| "the timeout is too large".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn subcommand_arguments_do_not_shadow_globals() {
        let cli = Cli::try_parse_from(["authjs", "--url", "http://h", "complete", "-"]).unwrap();
        assert_eq!(cli.url.as_deref(), Some("http://h"));
        assert!(matches!(cli.command, Command::Complete { link } if link == "-"));
        let cli =
            Cli::try_parse_from(["authjs", "fetch", "/x", "--url", "http://h", "--json"]).unwrap();
        assert_eq!(cli.url.as_deref(), Some("http://h"));
        assert!(cli.json);
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("1e300").is_err());
        assert!(parse_timeout("x").is_err());
    }
}
