// The C++ wrapper of the session-token functions (issue 19): authjs::token_mint and
// authjs::token_decode against a real server, and errors as authjs::Error.
//
//   test_tokens_cpp BASE_URL SECRET COOKIE_NAME [CA_FILE]   (library built with jwt)
#include "authjs.hpp"

#include "harness.h"

#include <string>
#include <vector>

namespace {

std::string g_url;
std::optional<std::string> g_options;

void test_tokens(const std::string &secret, const std::string &cookie_name) {
    harness_context = "tokens (C++)";
    const std::vector<std::string> secrets{secret};
    std::string cookie = authjs::token_mint(
        R"({"name":"Cpp Cy","email":"cy@example.com","sub":"21"})", cookie_name, secrets);
    CHECK(cookie.rfind(cookie_name + "=", 0) == 0, "Cookie header %s", cookie_name.c_str());
    authjs::DecodedToken d = authjs::token_decode(cookie, {"rotated-out", secret});
    CHECK(d.cookie_name == cookie_name, "cookie name %s", d.cookie_name.c_str());
    CHECK(contains(d.claims_json.c_str(), "\"email\":\"cy@example.com\""), "claims");

    authjs::Client base(g_url, g_options);
    authjs::Client minted = base.user(cookie);
    auto s = minted.session();
    CHECK(s && s->user_email() == std::optional<std::string>("cy@example.com"),
          "the server takes the minted cookie");

    try {
        authjs::token_decode(cookie, {"wrong-secret"});
        CHECK(false, "a wrong secret decodes");
    } catch (const authjs::Error &e) {
        CHECK(e.status() == AUTHJS_ERR_TOKEN_INVALID, "status %s", e.status_name());
        CHECK(!contains(e.what(), "wrong-secret"), "no secret in the message");
    }
    std::string expired =
        authjs::token_mint(R"({"sub":"1","exp":1000000})", cookie_name, secrets);
    try {
        authjs::token_decode(expired, secrets, cookie_name);
        CHECK(false, "an expired token decodes");
    } catch (const authjs::Error &e) {
        CHECK(e.status() == AUTHJS_ERR_TOKEN_EXPIRED, "status %s", e.status_name());
    }
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s BASE_URL SECRET COOKIE_NAME [CA_FILE]\n", argv[0]);
        return 2;
    }
    g_url = argv[1];
    if (argc > 4) {
        g_options = std::string("{\"caCertFile\": \"") + argv[4] + "\"}";
    }
    try {
        test_tokens(argv[2], argv[3]);
    } catch (const authjs::Error &e) {
        CHECK(false, "unexpected authjs::Error %s: %s", e.status_name(), e.what());
    }
    return finish((std::string("test_tokens_cpp[") + g_url + "]").c_str());
}
