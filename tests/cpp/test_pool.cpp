// The C++ wrapper of the pool API (issue 17): Client::user(), Client::lookup() and
// Client::lookup_json() against a real Auth.js server.
//
//   test_pool_cpp BASE_URL [CA_FILE]
#include "authjs.hpp"

#include "harness.h"

#include <string>
#include <thread>
#include <vector>

namespace {

std::string g_url;
std::optional<std::string> g_options;

bool sign_in(const authjs::Client &c, const std::string &user) {
    const std::string fields =
        R"({"username": ")" + user + R"(", "password": ")" + user + R"(-password"})";
    return CHECK(c.sign_in("credentials", fields).ok, "%s's sign-in", user.c_str());
}

std::optional<std::string> name_of(const authjs::Client &c) {
    auto s = c.session();
    return s ? s->user_name() : std::nullopt;
}

void test_users_and_lookup() {
    harness_context = "pool";
    authjs::Client base(g_url, g_options);
    authjs::Client alice = base.user();
    authjs::Client bob = base.user();
    if (!sign_in(alice, "alice") || !sign_in(bob, "bob")) {
        return;
    }
    // Both users at once, on one pool: no cookie crosses.
    std::thread ta([&] {
        for (int i = 0; i < 5; i++) {
            CHECK(name_of(alice) == std::optional<std::string>("Alice Liddell"), "alice");
        }
    });
    std::thread tb([&] {
        for (int i = 0; i < 5; i++) {
            CHECK(name_of(bob) == std::optional<std::string>("Bob"), "bob");
        }
    });
    ta.join();
    tb.join();
    CHECK(!base.session().has_value(), "the base client stays signed out");

    const std::string header = alice.cookie_header();
    authjs::Client seeded = base.user(header);
    CHECK(name_of(seeded) == std::optional<std::string>("Alice Liddell"), "seeded handle");

    authjs::Lookup found = base.lookup(header);
    CHECK(found.session.has_value() &&
              found.session->user_name() == std::optional<std::string>("Alice Liddell"),
          "lookup: alice");
    bool reissued = false;
    for (const auto &c : found.set_cookies) {
        reissued |= c.find("session-token") != std::string::npos &&
                    c.find("Path=/") != std::string::npos;
    }
    CHECK(reissued, "lookup: the re-issued session cookie with its attributes");
    authjs::Lookup none = base.lookup("theme=dark");
    CHECK(!none.session && none.set_cookies.empty(), "no session cookie: nothing");
    CHECK(base.lookup_json(nullptr) == R"({"session":null,"setCookies":[]})", "lookup_json");
    try {
        (void)base.lookup("authjs.session-token=bad value");
        CHECK(false, "a malformed session cookie was accepted");
    } catch (const authjs::Error &e) {
        CHECK(e.status() == AUTHJS_ERR_INVALID_ARGUMENT, "%s", e.status_name());
    }
    CHECK(!base.session().has_value(), "the lookups left the base jar alone");
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
    try {
        test_users_and_lookup();
    } catch (const authjs::Error &e) {
        CHECK(false, "unexpected authjs::Error %s: %s", e.status_name(), e.what());
    }
    return finish((std::string("test_pool_cpp[") + g_url + "]").c_str());
}
