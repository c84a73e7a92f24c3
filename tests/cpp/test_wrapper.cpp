// Tests of the C++17 wrapper (include/authjs.hpp) against a real Auth.js server.
//
//   test_wrapper BASE_URL [CA_FILE]
//
// Compiled with -std=c++17 -Wall -Wextra -Werror -pedantic.
#include "authjs.hpp"
#include "authjs.hpp" // twice on purpose: include guards

#include "harness.h"

#include <string>
#include <thread>
#include <type_traits>
#include <vector>

static_assert(!std::is_copy_constructible_v<authjs::Client>, "Client is move-only");
static_assert(!std::is_copy_assignable_v<authjs::Client>, "Client is move-only");
static_assert(std::is_nothrow_move_constructible_v<authjs::Client>, "noexcept move");
static_assert(std::is_nothrow_move_assignable_v<authjs::Client>, "noexcept move");
static_assert(!std::is_copy_constructible_v<authjs::Session>, "Session is move-only");
static_assert(std::is_nothrow_move_constructible_v<authjs::Session>, "noexcept move");

namespace {

std::string g_url;
std::optional<std::string> g_options;

const char *ALICE = R"({"username": "alice", "password": "alice-password"})";

// Runs f, expecting authjs::Error with that status.
template <typename F> void expect_error(AuthjsStatus want, const char *what, F f) {
    try {
        f();
        CHECK(false, "%s did not throw", what);
    } catch (const authjs::Error &e) {
        CHECK(e.status() == want, "%s threw %s, expected %s (%s)", what, e.status_name(),
              authjs_status_name(static_cast<uint32_t>(want)), e.what());
        CHECK(std::string(e.what()).size() > 0, "%s: empty message", what);
    } catch (...) {
        CHECK(false, "%s threw something else", what);
    }
}

authjs::Client make_client() { return authjs::Client(g_url, g_options); }

void test_errors() {
    harness_context = "errors";
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "ftp URL",
                 [] { authjs::Client c("ftp://127.0.0.1/"); });
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "unknown option",
                 [] { authjs::Client c(g_url, R"({"timeout": 1})"); });
    expect_error(AUTHJS_ERR_TLS, "missing CA file", [] {
        authjs::Client c("https://127.0.0.1:1", R"({"caCertFile": "/nonexistent/ca.pem"})");
    });
    {
        std::string down = "http://127.0.0.1:" + std::to_string(closed_port());
        authjs::Client c(down);
        expect_error(AUTHJS_ERR_NETWORK, "server down", [&] { (void)c.session(); });
        expect_error(AUTHJS_ERR_NETWORK, "server down (json)", [&] { (void)c.session_json(); });
    }
    auto c = make_client();
    expect_error(AUTHJS_ERR_UNKNOWN_PROVIDER, "unknown provider",
                 [&] { (void)c.sign_in("twitter", ALICE); });
    expect_error(AUTHJS_ERR_UNKNOWN_PROVIDER, "unknown provider (json)",
                 [&] { (void)c.sign_in_json("twitter", ALICE); });
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "malformed options",
                 [&] { (void)c.sign_in("credentials", "{"); });
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "other origin",
                 [&] { (void)c.complete_sign_in("https://evil.example/x"); });
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "other origin request",
                 [&] { (void)c.request("GET", "https://evil.example/x"); });
    expect_error(AUTHJS_ERR_IO, "missing cookie file",
                 [&] { c.load_cookies("/nonexistent/authjs/jar.json"); });
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "bad update data",
                 [&] { (void)c.update_session(std::string("{")); });
    expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "bad sign-out options",
                 [&] { (void)c.sign_out(std::string("{\"bogus\": 1}")); });
}

void test_flow() {
    harness_context = "flow";
    auto c = make_client();
    CHECK(!c.session().has_value(), "session when signed out");
    CHECK(c.session_json() == "null", "session_json when signed out");
    CHECK(c.csrf_token().size() >= 16, "csrf token");

    auto providers = c.providers();
    CHECK(providers.size() == 3, "providers: %zu", providers.size());
    if (providers.size() == 3) {
        CHECK(providers[0].id == "credentials" && providers[0].type == "credentials",
              "provider 0");
        CHECK(providers[2].id == "github" && providers[2].name == "GitHub" &&
                  providers[2].type == "oauth",
              "provider 2");
        CHECK(contains(providers[1].signin_url.c_str(), "/signin/email") &&
                  contains(providers[1].callback_url.c_str(), "/callback/email"),
              "provider 1 urls");
    }
    CHECK(contains(c.providers_json().c_str(), "\"github\":{"), "providers_json");

    auto wrong = c.sign_in("credentials", R"({"username": "alice", "password": "nope"})");
    CHECK(!wrong.ok && wrong.error == "CredentialsSignin" && !wrong.url, "wrong password");
    CHECK(wrong.status != 0, "wrong password status");

    auto page = c.sign_in(std::nullopt);
    CHECK(page.ok && page.status == 0 && page.url && contains(page.url->c_str(), "/signin"),
          "sign-in page");

    auto oauth = c.sign_in_json("github", std::nullopt, R"({"prompt": "consent"})");
    CHECK(contains(oauth.c_str(), "github.com/login/oauth/authorize"), "oauth: %s",
          oauth.c_str());

    auto res = c.sign_in("credentials", ALICE);
    CHECK(res.ok && res.status == 200 && !res.error && !res.code && res.url, "alice");

    auto session = c.session();
    CHECK(session.has_value(), "no session after sign-in");
    if (session) {
        CHECK(session->user_name() == "Alice Liddell", "name");
        CHECK(session->user_email() == "alice@example.com", "email");
        CHECK(session->user_image() == "https://example.com/alice.png", "image");
        CHECK(session->expires().has_value(), "expires");
        CHECK(session->get_string("role") == std::optional<std::string>("admin"), "role");
        CHECK(session->kind("role") == authjs::ValueKind::String, "role kind");
        CHECK(session->kind("user") == authjs::ValueKind::Object, "user kind");
        CHECK(session->kind("no-such-field") == authjs::ValueKind::Missing, "missing kind");
        CHECK(!session->get_string("no-such-field"), "missing field");
        CHECK(!session->get_string("user"), "an object is not a string");
        CHECK(session->get_number("paddingLength") == std::optional<double>(0), "number");
        CHECK(!session->get_number("role"), "a string is not a number");
        CHECK(!session->get_bool("role"), "a string is not a boolean");
        CHECK(contains(session->get_json("user").value_or("").c_str(), "\"name\":\"Alice"),
              "user as JSON");
        CHECK(session->get_json("role") == std::optional<std::string>("\"admin\""),
              "role as JSON");
        CHECK(contains(session->json().c_str(), "Alice Liddell"), "json");
        CHECK(session->get_raw() != nullptr, "get_raw");
        authjs::Session moved = std::move(*session);
        CHECK(moved.user_name() == "Alice Liddell", "moved session");
        CHECK(session->get_raw() == nullptr, "moved-from session");
        CHECK(!session->user_name(), "moved-from session name");
    }

    {
        authjs::Response me = c.request("GET", "/api/me");
        CHECK(me.status == 200, "/api/me status %u", static_cast<unsigned>(me.status));
        CHECK(contains(me.body.c_str(), "\"role\":\"admin\""), "/api/me body");
        CHECK(!me.headers.empty(), "/api/me headers");
        CHECK(contains(me.header("Content-Type").value_or("").c_str(), "application/json"),
              "header by name");
        CHECK(!me.header("x-no-such-header"), "absent header");
        authjs::Response copy = me;
        CHECK(copy.header("content-type") == me.header("CONTENT-TYPE"), "copied response");

        auto echo = c.request("POST", "/api/echo", std::string("hi there"));
        CHECK(echo.status == 200 && contains(echo.body.c_str(), "\"body\":\"hi there\"") &&
                  contains(echo.body.c_str(), "text/plain"),
              "/api/echo: %s", echo.body.c_str());
        auto typed = c.request("POST", "/api/echo", std::string("<x/>"),
                               {{"Content-Type", "application/xml"}});
        CHECK(contains(typed.body.c_str(), "\"contentType\":\"application/xml\""),
              "typed by a header: %s", typed.body.c_str());
        auto binary = c.request("POST", "/api/echo", std::string("\0\xff", 2));
        CHECK(contains(binary.body.c_str(), "application/octet-stream"), "binary: %s",
              binary.body.c_str());
        CHECK(contains(c.request_json("GET", "/api/me").c_str(), "\"status\":200"),
              "request_json");
        expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "Cookie header", [&] {
            (void)c.request("GET", "/api/me", {{"Cookie", "a=b"}});
        });
    }
    CHECK(contains(c.cookie_header().c_str(), "session-token="), "cookie header");

    std::string path = "/tmp/authjs-cpp-" + std::to_string(getpid()) + ".json";
    c.save_cookies(path);
    {
        auto other = make_client();
        other.load_cookies(path);
        CHECK(contains(other.session_json().c_str(), "Alice Liddell"), "loaded jar");
    }
    unlink(path.c_str());

    // Another tool's format and back (issue 15).
    {
        std::string state = c.export_cookies("playwright");
        CHECK(contains(state.c_str(), "\"origins\": []"), "storageState export");
        auto other = make_client();
        CHECK(other.import_cookies(state) == 0, "storageState import skipped cookies");
        CHECK(contains(other.session_json().c_str(), "Alice Liddell"), "storageState session");
        CHECK(other.import_cookies(c.export_cookies("netscape"), "netscape") == 0, "netscape");
        expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "unknown cookie format",
                     [&] { (void)c.export_cookies("yaml"); });
        expect_error(AUTHJS_ERR_INVALID_ARGUMENT, "storageState",
                     [&] { (void)other.import_cookies("{\"cookies\": 1}"); });
    }

    CHECK(contains(c.update_session(std::string(R"({"name": "Alice C++"})")).c_str(),
                   "Alice C++"),
          "update_session");
    CHECK(contains(c.update_session(std::nullopt).c_str(), "Alice C++"), "refresh");

    // Moves keep the handle working; the moved-from client is empty.
    authjs::Client moved = std::move(c);
    CHECK(c.get() == nullptr && moved.get() != nullptr, "move constructor");
    authjs::Client assigned = make_client();
    assigned = std::move(moved);
    CHECK(moved.get() == nullptr, "move assignment");

    CHECK(contains(assigned.sign_out(std::string(R"({"callbackUrl": "/bye"})")).c_str(), "/bye"),
          "sign_out");
    CHECK(!assigned.session(), "session after sign-out");

    AuthjsClient *raw = assigned.release();
    CHECK(raw != nullptr && assigned.get() == nullptr, "release");
    authjs_client_free(raw);
}


void test_threads() {
    harness_context = "threads";
    const auto c = make_client();
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; t++) {
        threads.emplace_back([&c, t] {
            for (int i = 0; i < 3; i++) {
                try {
                    if (t == 0) {
                        CHECK(c.sign_in("credentials", ALICE).ok, "sign-in in thread");
                        (void)c.sign_out();
                    } else {
                        auto s = c.session();
                        CHECK(!s || s->user_name() == "Alice Liddell", "session in thread");
                    }
                } catch (const authjs::Error &e) {
                    CHECK(false, "thread %d: %s %s", t, e.status_name(), e.what());
                }
            }
        });
    }
    for (auto &th : threads) {
        th.join();
    }
    CHECK(!c.session(), "signed out at the end");
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    g_url = argv[1];
    if (argc > 2) {
        g_options = std::string("{\"caCertFile\": \"") + argv[2] + "\"}";
    }
    CHECK(authjs::version() == authjs_version(), "version");
    try {
        test_errors();
        test_flow();
        test_threads();
    } catch (const authjs::Error &e) {
        CHECK(false, "unexpected authjs::Error %s: %s", e.status_name(), e.what());
    }
    return finish((std::string("test_wrapper[") + g_url + "]").c_str());
}
