//! Quickstart: sign in with a username and password, print the user, call a protected
//! route of the app, sign out.
//!
//! ```sh
//! cargo run --example quickstart -- http://127.0.0.1:3000
//! AUTHJS_URL=http://127.0.0.1:3000 cargo run --example quickstart
//! ```
//!
//! The demo user is alice / alice-password; set `AUTHJS_USERNAME` and
//! `AUTHJS_PASSWORD` to use another account.

use authjs::{Client, SignInOptions, SignOutOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("AUTHJS_URL").ok())
        .ok_or("usage: quickstart URL (or set AUTHJS_URL), e.g. http://127.0.0.1:3000")?;
    let username = std::env::var("AUTHJS_USERNAME").unwrap_or_else(|_| "alice".into());
    let password = std::env::var("AUTHJS_PASSWORD").unwrap_or_else(|_| "alice-password".into());

    // `http://host:3000` means the API at `http://host:3000/api/auth`.
    let client = Client::new(&url)?;

    // signIn("credentials", { username, password, redirect: false })
    let res = client.sign_in(
        Some("credentials"),
        SignInOptions::new()
            .field("username", username)
            .field("password", password),
    )?;
    if !res.ok {
        // A refusal is not an Err: `error` says why (CredentialsSignin, AccessDenied…).
        return Err(format!("sign-in refused: {}", res.error.unwrap_or_default()).into());
    }

    // getSession()
    let session = client.get_session()?.ok_or("signed in, but no session")?;
    println!(
        "signed in as {} <{}>",
        session.user.name.as_deref().unwrap_or("?"),
        session.user.email.as_deref().unwrap_or("?")
    );

    // The app's own route, with the session cookie.
    let me = client.request("GET", "/api/me", None, &[])?;
    println!("GET /api/me -> {} {}", me.status, me.text());

    // signOut({ redirect: false })
    client.sign_out(SignOutOptions::default())?;
    println!(
        "signed out: {}",
        if client.get_session()?.is_none() {
            "no session"
        } else {
            "still a session?!"
        }
    );
    Ok(())
}
