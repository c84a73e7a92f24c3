/*
 * authjs.hpp: a header-only C++17 wrapper of the libauthjs C API (authjs.h).
 *
 *   authjs::Client client("http://127.0.0.1:3000");
 *   auto res = client.sign_in("credentials",
 *                             R"({"username": "alice", "password": "..."})");
 *   if (res.ok) {
 *     if (auto session = client.session()) std::cout << *session->user_name() << "\n";
 *   }
 *
 * - authjs::Client is move-only and owns its AuthjsClient; it may be used from many
 *   threads at once (the methods are const for that reason).
 * - Every failure throws authjs::Error, which carries the AuthjsStatus and the message.
 *   A refused sign-in (wrong password) is not a failure: SignInResult::ok is false.
 * - Typed results are C++ types: Session's fields (get_string, get_number, get_bool),
 *   SignInResult, Provider, and Response (status, headers, body bytes) from request().
 *   JSON arguments, and the *_json results kept for callers that want them, are
 *   std::string in the JavaScript client's shapes; parse them with the JSON library of
 *   your choice.
 * - Every function is inline: include this header from as many translation units as
 *   you like. Link with libauthjs (pkg-config --libs authjs).
 */
#ifndef AUTHJS_HPP
#define AUTHJS_HPP

#include "authjs.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace authjs {

/// A failed call: the status (AUTHJS_ERR_*) and the library's message.
class Error : public std::runtime_error {
public:
    Error(AuthjsStatus status, const std::string &message)
        : std::runtime_error(message), status_(status) {}

    /// The status, e.g. AUTHJS_ERR_NETWORK.
    AuthjsStatus status() const noexcept { return status_; }

    /// The status's name, e.g. "AUTHJS_ERR_NETWORK" (static string).
    const char *status_name() const noexcept {
        return authjs_status_name(static_cast<uint32_t>(status_));
    }

private:
    AuthjsStatus status_;
};

namespace detail {

struct StringDeleter {
    void operator()(char *s) const noexcept { authjs_string_free(s); }
};
using OwnedString = std::unique_ptr<char, StringDeleter>;

/// Throws the thread's last error for a failed status.
[[noreturn]] inline void throw_status(AuthjsStatus status) {
    throw Error(status, authjs_last_error_message());
}

inline void check(AuthjsStatus status) {
    if (status != AUTHJS_OK) {
        throw_status(status);
    }
}

/// Takes ownership of a string returned through a `char **`, copies it, frees it.
inline std::string take(char *s) {
    OwnedString owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

/// Like take(), but NULL becomes std::nullopt.
inline std::optional<std::string> take_optional(char *s) {
    OwnedString owned(s);
    if (!owned) {
        return std::nullopt;
    }
    return std::string(owned.get());
}

inline std::optional<std::string> borrowed(const char *s) {
    if (s == nullptr) {
        return std::nullopt;
    }
    return std::string(s);
}

} // namespace detail

/// A string argument that may be absent (NULL in the C API): accepts std::nullopt,
/// nullptr, a C string, a std::string or a std::optional<std::string>. It only borrows
/// the string, so use it as a parameter type only. (Parameters are not
/// std::optional<std::string> because GCC 12 reports false -Wmaybe-uninitialized
/// warnings for such defaulted parameters at -O1 and above.)
class OptionalString {
public:
    OptionalString() noexcept = default;
    OptionalString(std::nullopt_t) noexcept {}
    OptionalString(std::nullptr_t) noexcept {}
    OptionalString(const char *s) noexcept : ptr_(s) {}
    OptionalString(const std::string &s) noexcept : ptr_(s.c_str()) {}
    OptionalString(const std::optional<std::string> &s) noexcept
        : ptr_(s ? s->c_str() : nullptr) {}

    /// The string, or nullptr when absent.
    const char *c_str() const noexcept { return ptr_; }

private:
    const char *ptr_ = nullptr;
};

/// The library version at run time (e.g. "0.1.0").
inline std::string version() { return authjs_version(); }

/// The JSON kind of a session field (the values of AuthjsValueKind).
enum class ValueKind {
    Missing = AUTHJS_VALUE_MISSING,
    Null = AUTHJS_VALUE_NULL,
    Bool = AUTHJS_VALUE_BOOL,
    Number = AUTHJS_VALUE_NUMBER,
    String = AUTHJS_VALUE_STRING,
    Array = AUTHJS_VALUE_ARRAY,
    Object = AUTHJS_VALUE_OBJECT,
};

/// A session (getSession()). Move-only; owns an AuthjsSession.
class Session {
public:
    /// Takes ownership of a non-NULL AuthjsSession.
    explicit Session(AuthjsSession *raw) noexcept : raw_(raw) {}
    Session(Session &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Session &operator=(Session &&other) noexcept {
        if (this != &other) {
            authjs_session_free(raw_);
            raw_ = std::exchange(other.raw_, nullptr);
        }
        return *this;
    }
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;
    ~Session() { authjs_session_free(raw_); }

    /// session.user.name, if present.
    std::optional<std::string> user_name() const {
        return detail::borrowed(authjs_session_user_name(raw_));
    }
    /// session.user.email, if present.
    std::optional<std::string> user_email() const {
        return detail::borrowed(authjs_session_user_email(raw_));
    }
    /// session.user.image, if present.
    std::optional<std::string> user_image() const {
        return detail::borrowed(authjs_session_user_image(raw_));
    }
    /// session.expires (ISO 8601), if present.
    std::optional<std::string> expires() const {
        return detail::borrowed(authjs_session_expires(raw_));
    }
    /// The whole session as JSON, as the server sent it.
    std::string json() const {
        const char *s = authjs_session_json(raw_);
        return s ? std::string(s) : std::string("null");
    }
    /// The JSON kind of a top-level field (ValueKind::Missing when there is none).
    ValueKind kind(const std::string &key) const noexcept {
        return static_cast<ValueKind>(authjs_session_field_kind(raw_, key.c_str()));
    }
    /// A string field (get_string("role") == "admin"), or std::nullopt when the field
    /// is missing or not a string.
    std::optional<std::string> get_string(const std::string &key) const {
        if (kind(key) != ValueKind::String) {
            return std::nullopt;
        }
        char *out = nullptr;
        detail::check(authjs_session_get_string(raw_, key.c_str(), &out));
        return detail::take(out);
    }
    /// A number field, or std::nullopt when the field is missing or not a number.
    std::optional<double> get_number(const std::string &key) const {
        double out = 0;
        if (kind(key) != ValueKind::Number) {
            return std::nullopt;
        }
        detail::check(authjs_session_get_number(raw_, key.c_str(), &out));
        return out;
    }
    /// A boolean field, or std::nullopt when the field is missing or not a boolean.
    std::optional<bool> get_bool(const std::string &key) const {
        bool out = false;
        if (kind(key) != ValueKind::Bool) {
            return std::nullopt;
        }
        detail::check(authjs_session_get_bool(raw_, key.c_str(), &out));
        return out;
    }
    /// Any top-level field as JSON text (for arrays and objects; a string comes back
    /// quoted), or std::nullopt when there is no such field.
    std::optional<std::string> get_json(const std::string &key) const {
        char *out = nullptr;
        detail::check(authjs_session_get(raw_, key.c_str(), &out));
        return detail::take_optional(out);
    }

    /// The underlying C object (still owned by this Session).
    const AuthjsSession *get_raw() const noexcept { return raw_; }

private:
    AuthjsSession *raw_;
};

/// The result of a sign-in ({error, code, status, ok, url}).
struct SignInResult {
    bool ok = false;
    uint16_t status = 0;
    std::optional<std::string> error;
    std::optional<std::string> code;
    std::optional<std::string> url;
};

/// One provider, as the server lists it.
struct Provider {
    std::string id;
    std::string name;
    std::string type;
    std::string signin_url;
    std::string callback_url;
};

/// Request headers: (name, value) pairs, sent as given.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// The reply to Client::request(): status, headers (Set-Cookie excluded: cookies go to
/// the jar) and body bytes. Copyable; header() asks the library, so a lookup by name
/// matches exactly as in every other front end.
struct Response {
    uint16_t status = 0;
    Headers headers;
    /// The body's bytes (any bytes; text is UTF-8 as the server sent it).
    std::string body;

    /// The first header of that name, case-insensitive, or std::nullopt.
    std::optional<std::string> header(const std::string &name) const {
        return detail::borrowed(authjs_response_header(raw_.get(), name.c_str()));
    }

    /// Takes ownership of a non-NULL AuthjsResponse and copies its parts.
    static Response from_raw(AuthjsResponse *raw) {
        Response r;
        r.raw_ = std::shared_ptr<const AuthjsResponse>(raw, [](const AuthjsResponse *p) {
            authjs_response_free(const_cast<AuthjsResponse *>(p));
        });
        r.status = authjs_response_status(raw);
        std::size_t n = authjs_response_header_count(raw);
        r.headers.reserve(n);
        for (std::size_t i = 0; i < n; i++) {
            r.headers.emplace_back(authjs_response_header_name(raw, i),
                                   authjs_response_header_value(raw, i));
        }
        std::size_t len = 0;
        const uint8_t *bytes = authjs_response_body(raw, &len);
        r.body.assign(reinterpret_cast<const char *>(bytes), len);
        return r;
    }

private:
    std::shared_ptr<const AuthjsResponse> raw_;
};

/// What Client::lookup() answers: the session of the browser whose Cookie header was
/// looked up (std::nullopt when it holds none the server accepts), and the server's
/// Set-Cookie header values exactly as sent, to add to the reply to that browser
/// (sliding expiry). The values are credentials: do not log them.
struct Lookup {
    std::optional<Session> session;
    std::vector<std::string> set_cookies;
};

/// A client for one Auth.js server. Move-only RAII owner of an AuthjsClient; usable
/// from many threads at once. The methods of a moved-from Client throw
/// authjs::Error(AUTHJS_ERR_NULL_ARGUMENT).
class Client {
public:
    /// See authjs_client_new() for base_url and the keys of options_json.
    explicit Client(const std::string &base_url, OptionalString options_json = {})
        : raw_(authjs_client_new(base_url.c_str(), options_json.c_str())) {
        if (raw_ == nullptr) {
            detail::throw_status(authjs_last_error_status());
        }
    }
    Client(Client &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            authjs_client_free(raw_);
            raw_ = std::exchange(other.raw_, nullptr);
        }
        return *this;
    }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    ~Client() { authjs_client_free(raw_); }

    /// The underlying C handle (still owned by this Client).
    AuthjsClient *get() const noexcept { return raw_; }

    /// Gives up ownership of the C handle (release it with authjs_client_free).
    AuthjsClient *release() noexcept { return std::exchange(raw_, nullptr); }

    /// getSession(): the session, or std::nullopt when signed out.
    std::optional<Session> session() const {
        AuthjsSession *out = nullptr;
        detail::check(authjs_get_session_object(raw_, &out));
        if (out == nullptr) {
            return std::nullopt;
        }
        return std::optional<Session>(std::in_place, out);
    }

    /// getSession() as JSON ("null" when signed out).
    std::string session_json() const {
        char *out = nullptr;
        detail::check(authjs_get_session(raw_, &out));
        return detail::take(out);
    }

    /// getCsrfToken(). The token is a credential: do not log it.
    std::string csrf_token() const {
        char *out = nullptr;
        detail::check(authjs_get_csrf_token(raw_, &out));
        return detail::take(out);
    }

    /// getProviders(), in id order.
    std::vector<Provider> providers() const {
        AuthjsProviders *raw = nullptr;
        detail::check(authjs_get_providers_object(raw_, &raw));
        std::unique_ptr<AuthjsProviders, void (*)(AuthjsProviders *)> owned(
            raw, authjs_providers_free);
        std::vector<Provider> out;
        const size_t n = authjs_providers_count(raw);
        out.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            out.push_back(Provider{
                authjs_providers_id(raw, i),
                authjs_providers_name(raw, i),
                authjs_providers_type(raw, i),
                authjs_providers_signin_url(raw, i),
                authjs_providers_callback_url(raw, i),
            });
        }
        return out;
    }

    /// getProviders() as JSON (an object keyed by provider id).
    std::string providers_json() const {
        char *out = nullptr;
        detail::check(authjs_get_providers(raw_, &out));
        return detail::take(out);
    }

    /// signIn(provider, options, authorizationParams). provider std::nullopt gives the
    /// sign-in page URL; options_json is the JS SignInOptions object, e.g.
    /// {"username": "alice", "password": "..."}. A refused sign-in returns ok == false.
    SignInResult sign_in(OptionalString provider,
                         OptionalString options_json = {},
                         OptionalString authorization_params_json = {}) const {
        AuthjsSignInResult *raw = nullptr;
        detail::check(authjs_sign_in_result(raw_, provider.c_str(),
                                            options_json.c_str(),
                                            authorization_params_json.c_str(),
                                            &raw));
        std::unique_ptr<AuthjsSignInResult, void (*)(AuthjsSignInResult *)> owned(
            raw, authjs_sign_in_result_free);
        SignInResult out;
        out.ok = authjs_sign_in_result_ok(raw);
        out.status = authjs_sign_in_result_status(raw);
        out.error = detail::borrowed(authjs_sign_in_result_error(raw));
        out.code = detail::borrowed(authjs_sign_in_result_code(raw));
        out.url = detail::borrowed(authjs_sign_in_result_url(raw));
        return out;
    }

    /// sign_in() returning the JSON {error, code, status, ok, url}.
    std::string sign_in_json(OptionalString provider,
                             OptionalString options_json = {},
                             OptionalString authorization_params_json = {}) const {
        char *out = nullptr;
        detail::check(authjs_sign_in(raw_, provider.c_str(),
                                     options_json.c_str(),
                                     authorization_params_json.c_str(), &out));
        return detail::take(out);
    }

    /// Finishes a sign-in from an email magic link or OAuth callback URL; returns the
    /// JSON {error, code, status, ok, url}.
    std::string complete_sign_in(const std::string &callback_url) const {
        char *out = nullptr;
        detail::check(authjs_complete_sign_in(raw_, callback_url.c_str(), &out));
        return detail::take(out);
    }

    /// Finishes an OAuth sign-in answered with response_mode=form_post: the form's
    /// action (this server's callback URL) and its fields as a JSON object
    /// ({"code": "...", "state": "..."}); returns the JSON {error, code, status, ok, url}.
    std::string complete_sign_in_form(const std::string &action,
                                      const std::string &fields_json) const {
        char *out = nullptr;
        detail::check(
            authjs_complete_sign_in_form(raw_, action.c_str(), fields_json.c_str(), &out));
        return detail::take(out);
    }

    /// complete_sign_in_form with the form read from the provider's page (its HTML).
    std::string complete_sign_in_form_html(const std::string &html) const {
        char *out = nullptr;
        detail::check(authjs_complete_sign_in_form_html(raw_, html.c_str(), &out));
        return detail::take(out);
    }

    /// useSession().update(data): returns the updated session as JSON ("null" when
    /// signed out). std::nullopt only refreshes the session.
    std::string update_session(OptionalString data_json) const {
        char *out = nullptr;
        detail::check(authjs_update_session(raw_, data_json.c_str(), &out));
        return detail::take(out);
    }

    /// signOut(): returns the JSON {url}. The jar holds no session cookie afterwards.
    std::string sign_out(OptionalString options_json = {}) const {
        char *out = nullptr;
        detail::check(authjs_sign_out(raw_, options_json.c_str(), &out));
        return detail::take(out);
    }

    /// A request without a body to the app's own routes, with the jar's cookies (see
    /// authjs_request_object()). Any HTTP status is a success here: read
    /// Response::status.
    Response request(const std::string &method, const std::string &path_or_url,
                     const Headers &headers = {}) const {
        return send(method, path_or_url, headers, nullptr, 0);
    }

    /// A request with a body (any bytes). Without a Content-Type header the library
    /// types it as for every front end: a JSON object or array is application/json,
    /// other UTF-8 text text/plain, other bytes application/octet-stream.
    Response request(const std::string &method, const std::string &path_or_url,
                     const std::string &body, const Headers &headers = {}) const {
        // A non-NULL pointer even for an empty body: "" is an empty body, not none.
        return send(method, path_or_url, headers,
                    reinterpret_cast<const uint8_t *>(body.data()), body.size());
    }

    /// request() returning the JSON {status, headers, body} of authjs_request().
    std::string request_json(const std::string &method, const std::string &path_or_url,
                             OptionalString body = {}) const {
        char *out = nullptr;
        detail::check(authjs_request(raw_, method.c_str(), path_or_url.c_str(),
                                     body.c_str(), &out));
        return detail::take(out);
    }

    /// The Cookie header the jar would send. A credential: do not log it.
    std::string cookie_header() const {
        char *out = nullptr;
        detail::check(authjs_cookie_header(raw_, &out));
        return detail::take(out);
    }

    /// Writes the jar to a file (mode 0600).
    void save_cookies(const std::string &path) const {
        detail::check(authjs_save_cookies(raw_, path.c_str()));
    }

    /// Replaces the jar with the cookies saved in a file.
    void load_cookies(const std::string &path) const {
        detail::check(authjs_load_cookies(raw_, path.c_str()));
    }

    /// The jar in another tool's format (authjs_client_export_cookies): "header",
    /// "netscape" (curl -b, wget --load-cookies), "playwright" (a storageState),
    /// "webdriver" (Selenium, Cypress) or "jar". Holds credentials.
    std::string export_cookies(const std::string &format) const {
        char *out = nullptr;
        detail::check(authjs_client_export_cookies(raw_, format.c_str(), &out));
        return detail::take(out);
    }

    /// Replaces the jar (the session) with cookies in `format` ("auto": told from the
    /// text), as authjs_client_import_cookies. Returns how many cookies were skipped
    /// (other sites', expired, secure ones this origin would not get in a browser).
    std::size_t import_cookies(const std::string &text,
                               const std::string &format = "auto") const {
        std::size_t skipped = 0;
        detail::check(authjs_client_import_cookies(raw_, format.c_str(), text.c_str(), &skipped));
        return skipped;
    }

    /// A client for another user on this client's connection pool (authjs_client_user):
    /// an empty jar of its own, or one seeded from a browser's Cookie header. No
    /// request; the pool outlives whichever client is destroyed first.
    Client user(OptionalString cookie_header = {}) const {
        AuthjsClient *out = nullptr;
        detail::check(authjs_client_user(raw_, cookie_header.c_str(), &out));
        return Client(out);
    }

    /// getServerSession() for a backend (authjs_client_lookup_object): who sent this
    /// Cookie header, and the Set-Cookie values to forward to them. This client's own
    /// jar is neither sent nor changed; a header without a session cookie makes no
    /// request.
    Lookup lookup(const std::string &cookie_header) const {
        AuthjsLookup *raw = nullptr;
        detail::check(authjs_client_lookup_object(raw_, cookie_header.c_str(), &raw));
        std::unique_ptr<AuthjsLookup, void (*)(AuthjsLookup *)> owned(raw, authjs_lookup_free);
        Lookup out;
        if (AuthjsSession *s = authjs_lookup_take_session(raw)) {
            out.session.emplace(s);
        }
        const std::size_t n = authjs_lookup_set_cookie_count(raw);
        out.set_cookies.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            out.set_cookies.emplace_back(authjs_lookup_set_cookie(raw, i));
        }
        return out;
    }

    /// lookup() as JSON: {"session": ... or null, "setCookies": [...]}.
    std::string lookup_json(OptionalString cookie_header) const {
        char *out = nullptr;
        detail::check(authjs_client_lookup(raw_, cookie_header.c_str(), &out));
        return detail::take(out);
    }

    /// useSession().status, read without a request (authjs_client_status):
    /// AUTHJS_SESSION_LOADING until the session is first learned.
    AuthjsSessionStatus status() const noexcept { return authjs_client_status(raw_); }

private:
    /// Takes ownership of a non-NULL handle (user()).
    explicit Client(AuthjsClient *raw) noexcept : raw_(raw) {}

    Response send(const std::string &method, const std::string &path_or_url,
                  const Headers &headers, const uint8_t *body, std::size_t body_len) const {
        std::vector<AuthjsHeader> c_headers;
        c_headers.reserve(headers.size());
        for (const auto &h : headers) {
            c_headers.push_back(AuthjsHeader{h.first.c_str(), h.second.c_str()});
        }
        AuthjsResponse *out = nullptr;
        detail::check(authjs_request_object(raw_, method.c_str(), path_or_url.c_str(),
                                            c_headers.data(), c_headers.size(), body,
                                            body_len, &out));
        return Response::from_raw(out);
    }

    AuthjsClient *raw_;
};

} // namespace authjs

/* ----- session lifecycle (issue 13): authjs::Event, authjs::Watcher ---------------- */

#include <chrono>
#include <functional>

namespace authjs {

/// The useSession() name of a status: "loading", "authenticated", "unauthenticated".
inline std::string status_name(AuthjsSessionStatus status) {
    const char *name = authjs_session_status_name(static_cast<uint32_t>(status));
    return name ? std::string(name) : std::string();
}

/// One event of a Watcher (see AuthjsEventKind). Move-only. An Event passed to a
/// Watcher's callback only borrows the library's event: it is valid during the call
/// only, so copy what you need out of it there. One from Watcher::next_event() owns
/// its event.
class Event {
public:
    /// Takes ownership of a non-NULL AuthjsEvent from authjs_watcher_next_event.
    explicit Event(AuthjsEvent *owned) noexcept : raw_(owned), owned_(true) {}
    Event(Event &&other) noexcept
        : raw_(std::exchange(other.raw_, nullptr)), owned_(other.owned_) {}
    Event &operator=(Event &&other) noexcept {
        if (this != &other) {
            release_owned();
            raw_ = std::exchange(other.raw_, nullptr);
            owned_ = other.owned_;
        }
        return *this;
    }
    Event(const Event &) = delete;
    Event &operator=(const Event &) = delete;
    ~Event() { release_owned(); }

    /// The kind, e.g. AUTHJS_EVENT_SIGNED_IN.
    AuthjsEventKind kind() const noexcept { return authjs_event_kind(raw_); }
    /// The name, as in the JSON: "initial", "signed_in", "updated", "refreshed",
    /// "signed_out", "offline", "online".
    std::string name() const {
        const char *n = authjs_event_name(raw_);
        return n ? std::string(n) : std::string();
    }
    /// The status an "initial" event reports; std::nullopt for the other kinds.
    std::optional<AuthjsSessionStatus> status() const noexcept {
        AuthjsSessionStatus out = AUTHJS_SESSION_LOADING;
        if (!authjs_event_status(raw_, &out)) {
            return std::nullopt;
        }
        return out;
    }
    /// Why a "signed_out" event's session ended (AUTHJS_SIGN_OUT_REASON_NONE otherwise).
    AuthjsSignOutReason reason() const noexcept { return authjs_event_reason(raw_); }
    /// The reason's name ("local", "other_process", "expired", "server"), if any.
    std::optional<std::string> reason_name() const {
        return detail::borrowed(authjs_event_reason_name(raw_));
    }
    /// What an "offline" event's refetch failed with (AUTHJS_OK for other kinds).
    AuthjsStatus error_status() const noexcept { return authjs_event_error_status(raw_); }
    /// The message of an "offline" event's failure, if any.
    std::optional<std::string> error_message() const {
        return detail::borrowed(authjs_event_error_message(raw_));
    }
    /// True when the event carries a session (initial when authenticated, signed_in,
    /// updated, refreshed).
    bool has_session() const noexcept { return authjs_event_session(raw_) != nullptr; }
    /// session.user.name of the event's session, if present.
    std::optional<std::string> user_name() const {
        return detail::borrowed(authjs_session_user_name(authjs_event_session(raw_)));
    }
    /// session.user.email of the event's session, if present.
    std::optional<std::string> user_email() const {
        return detail::borrowed(authjs_session_user_email(authjs_event_session(raw_)));
    }
    /// session.expires of the event's session, if present.
    std::optional<std::string> expires() const {
        return detail::borrowed(authjs_session_expires(authjs_event_session(raw_)));
    }
    /// The event's session as JSON, as the server sent it, if it carries one.
    std::optional<std::string> session_json() const {
        return detail::borrowed(authjs_session_json(authjs_event_session(raw_)));
    }
    /// The event as JSON: {"event", "status"?, "session"?, "reason"?, "kind"?,
    /// "message"?}, the shape of every front end (authjs watch --json).
    std::string json() const {
        char *out = nullptr;
        detail::check(authjs_event_to_json(raw_, &out));
        return detail::take(out);
    }

    /// The underlying C event (owned by this Event or, in a callback, by the library).
    const AuthjsEvent *get_raw() const noexcept { return raw_; }

private:
    friend class Watcher;
    struct Borrow {};
    Event(const AuthjsEvent *borrowed, Borrow) noexcept
        : raw_(const_cast<AuthjsEvent *>(borrowed)), owned_(false) {}
    void release_owned() noexcept {
        if (owned_) {
            authjs_event_free(raw_);
        }
    }

    AuthjsEvent *raw_;
    bool owned_;
};

/// A watcher (authjs_watcher_start): a thread that keeps the session alive, follows
/// the cookie file shared with other processes and reports one Event per transition,
/// starting with an "initial" one. Move-only RAII owner of an AuthjsWatcher; the
/// destructor (or stop()) stops it: it may block up to 100 ms, and until a callback in
/// progress returns; afterwards the callback is never called again.
///
///   authjs::Watcher w(client, [](const authjs::Event &e) { log(e.json()); },
///                     R"({"refetchIntervalMs": 60000})");
///
/// The callback form calls `callback` ON THE WATCHER'S THREAD, one event at a time;
/// an exception it throws is caught and dropped (it cannot cross the C library). The
/// pull form (no callback) hands events out through next_event(). See
/// authjs_watcher_start() for the keys of options_json.
class Watcher {
public:
    using Callback = std::function<void(const Event &)>;

    /// The callback form. Throws authjs::Error (AUTHJS_ERR_INVALID_ARGUMENT for bad
    /// options, AUTHJS_ERR_NULL_ARGUMENT for an empty callback or a moved-from client).
    Watcher(const Client &client, Callback callback, OptionalString options_json = {})
        : callback_(std::make_unique<Callback>(std::move(callback))) {
        if (!*callback_) {
            throw Error(AUTHJS_ERR_NULL_ARGUMENT, "authjs::Watcher: the callback is empty");
        }
        detail::check(authjs_watcher_start(client.get(), options_json.c_str(),
                                           &Watcher::trampoline, callback_.get(), &raw_));
    }

    /// The pull form: read events with next_event().
    explicit Watcher(const Client &client, OptionalString options_json = {}) {
        detail::check(authjs_watcher_start(client.get(), options_json.c_str(), nullptr,
                                           nullptr, &raw_));
    }

    Watcher(Watcher &&other) noexcept
        : raw_(std::exchange(other.raw_, nullptr)), callback_(std::move(other.callback_)) {}
    Watcher &operator=(Watcher &&other) noexcept {
        if (this != &other) {
            stop();
            raw_ = std::exchange(other.raw_, nullptr);
            callback_ = std::move(other.callback_);
        }
        return *this;
    }
    Watcher(const Watcher &) = delete;
    Watcher &operator=(const Watcher &) = delete;
    /// Stops the watcher before the callback it calls is destroyed.
    ~Watcher() { stop(); }

    /// The pull form's next event, waiting at most `timeout`; std::nullopt when
    /// nothing happened in that time. Throws for a watcher with a callback.
    std::optional<Event> next_event(std::chrono::milliseconds timeout) const {
        AuthjsEvent *out = nullptr;
        const auto ms = timeout.count() < 0 ? 0 : static_cast<uint64_t>(timeout.count());
        detail::check(authjs_watcher_next_event(raw_, ms, &out));
        if (out == nullptr) {
            return std::nullopt;
        }
        return std::optional<Event>(std::in_place, out);
    }

    /// Stops the watcher now (the destructor does it otherwise). Idempotent.
    void stop() noexcept { authjs_watcher_free(std::exchange(raw_, nullptr)); }

    /// The underlying C handle (still owned by this Watcher).
    AuthjsWatcher *get() const noexcept { return raw_; }

private:
    static void trampoline(const AuthjsEvent *event, void *user_data) noexcept {
        try {
            (*static_cast<Callback *>(user_data))(Event(event, Event::Borrow{}));
        } catch (...) {
            // Nowhere to report it: the C library's thread must not unwind.
        }
    }

    AuthjsWatcher *raw_ = nullptr;
    std::unique_ptr<Callback> callback_;
};

} // namespace authjs

// ---------------------------------------------------------------------------------
// Session tokens (docs/tokens.md): decode and mint with the app's secret. Trusted
// backends and tests only. In a libauthjs built without the `jwt` feature (the
// default of scripts/install.sh) these throw authjs::Error with AUTHJS_ERR_UNSUPPORTED.

namespace authjs {

/// What token_decode found: the session cookie's name and the claims (a JSON object).
struct DecodedToken {
    std::string cookie_name;
    std::string claims_json;
};

namespace detail {
inline std::vector<const char *> c_strings(const std::vector<std::string> &v) {
    std::vector<const char *> out;
    out.reserve(v.size());
    for (const auto &s : v) {
        out.push_back(s.c_str());
    }
    return out;
}
} // namespace detail

/// The claims of the session token in `input` (a Cookie header value, `Bearer
/// <token>` or a bare token), as authjs_token_decode. `secrets`: the current one and
/// any rotated out. Throws authjs::Error (AUTHJS_ERR_TOKEN_INVALID, _TOKEN_EXPIRED, ...).
inline DecodedToken token_decode(const std::string &input, const std::vector<std::string> &secrets,
                                 const std::optional<std::string> &cookie_name = std::nullopt) {
    auto ptrs = detail::c_strings(secrets);
    char *claims = nullptr;
    char *name = nullptr;
    detail::check(authjs_token_decode(input.c_str(), cookie_name ? cookie_name->c_str() : nullptr,
                                      ptrs.data(), ptrs.size(), &claims, &name));
    DecodedToken out;
    out.claims_json = detail::take(claims);
    out.cookie_name = detail::take(name);
    return out;
}

/// A session cookie for `claims_json` that the server accepts, as authjs_token_mint:
/// `format` "header" (a Cookie header value), "set-cookie" or "playwright" (needs
/// `url`); `max_age_secs` 0 means 30 days. The result is a credential.
inline std::string token_mint(const std::string &claims_json, const std::string &cookie_name,
                              const std::vector<std::string> &secrets,
                              std::uint64_t max_age_secs = 0,
                              const std::string &format = "header",
                              const std::optional<std::string> &url = std::nullopt) {
    auto ptrs = detail::c_strings(secrets);
    char *out = nullptr;
    detail::check(authjs_token_mint(claims_json.c_str(), cookie_name.c_str(), ptrs.data(),
                                    ptrs.size(), max_age_secs, format.c_str(),
                                    url ? url->c_str() : nullptr, &out));
    return detail::take(out);
}

} // namespace authjs


#endif /* AUTHJS_HPP */
