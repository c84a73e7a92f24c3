// The C++ wrapper of the session lifecycle (authjs::Watcher, authjs::Event,
// Client::status()) against a real Auth.js server: the callback form sees initial,
// signed_in and signed_out on the watcher's thread and never runs after the Watcher is
// destroyed; the pull form; an exception thrown by the callback is contained; option
// errors throw authjs::Error.
//
//   test_watch_cpp BASE_URL [CA_FILE]
#include "authjs.hpp"
#include "harness.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

const char *ALICE = R"({"username": "alice", "password": "alice-password"})";

struct Seen {
    std::mutex lock;
    std::condition_variable changed;
    std::vector<std::string> names;
    std::vector<std::string> users;
    std::optional<AuthjsSessionStatus> initial_status;
    AuthjsSignOutReason last_reason = AUTHJS_SIGN_OUT_REASON_NONE;
    bool wrong_thread = false;

    bool wait_for(size_t n) {
        std::unique_lock<std::mutex> g(lock);
        return changed.wait_for(g, std::chrono::seconds(5), [&] { return names.size() >= n; });
    }
    size_t count() {
        std::lock_guard<std::mutex> g(lock);
        return names.size();
    }
};

void callback_form(const authjs::Client &client) {
    harness_context = "c++ callback";
    Seen seen;
    const auto main_id = std::this_thread::get_id();
    size_t after_stop = 0;
    {
        authjs::Watcher w(
            client,
            [&](const authjs::Event &e) {
                std::lock_guard<std::mutex> g(seen.lock);
                seen.wrong_thread = seen.wrong_thread || std::this_thread::get_id() == main_id;
                if (e.kind() == AUTHJS_EVENT_INITIAL) {
                    seen.initial_status = e.status();
                }
                if (e.kind() == AUTHJS_EVENT_SIGNED_OUT) {
                    seen.last_reason = e.reason();
                }
                seen.names.push_back(e.name());
                seen.users.push_back(e.user_name().value_or(""));
                seen.changed.notify_all();
                if (seen.names.size() == 1) {
                    throw std::runtime_error("a callback that throws");
                }
            },
            R"({"refetchIntervalMs": 100})");
        CHECK(seen.wait_for(1), "no initial event");
        CHECK(seen.initial_status == AUTHJS_SESSION_UNAUTHENTICATED, "initial status");
        CHECK(client.status() == AUTHJS_SESSION_UNAUTHENTICATED, "client status %s",
              authjs::status_name(client.status()).c_str());
        CHECK(client.sign_in("credentials", ALICE).ok, "sign-in refused");
        // The exception thrown for the initial event did not stop the watcher.
        CHECK(seen.wait_for(2), "no signed_in event");
        CHECK(client.sign_out().find("url") != std::string::npos, "sign-out");
        CHECK(seen.wait_for(3), "no signed_out event");
        try {
            (void)w.next_event(std::chrono::milliseconds(0));
            CHECK(false, "next_event on a callback watcher did not throw");
        } catch (const authjs::Error &e) {
            CHECK(e.status() == AUTHJS_ERR_INVALID_ARGUMENT, "status %s", e.status_name());
        }
        w.stop();
        after_stop = seen.count();
    } // the destructor after stop(): nothing more
    CHECK(client.sign_in("credentials", ALICE).ok, "sign-in refused");
    client.sign_out();
    std::lock_guard<std::mutex> g(seen.lock);
    CHECK(seen.names.size() == 3 && after_stop == 3, "%zu events", seen.names.size());
    CHECK(seen.names.size() >= 3 && seen.names[0] == "initial" &&
              seen.names[1] == "signed_in" && seen.names[2] == "signed_out",
          "events out of order");
    CHECK(seen.users.size() >= 2 && seen.users[1] == "Alice Liddell", "signed_in user");
    CHECK(seen.last_reason == AUTHJS_SIGN_OUT_REASON_LOCAL, "reason %d",
          static_cast<int>(seen.last_reason));
    CHECK(!seen.wrong_thread, "the callback ran on the main thread");
}

void pull_form(const authjs::Client &client) {
    harness_context = "c++ pull";
    CHECK(client.sign_in("credentials", ALICE).ok, "sign-in refused");
    authjs::Watcher w(client);
    auto first = w.next_event(std::chrono::seconds(5));
    if (CHECK(first.has_value(), "no initial event")) {
        CHECK(first->kind() == AUTHJS_EVENT_INITIAL, "kind %s", first->name().c_str());
        CHECK(first->status() == AUTHJS_SESSION_AUTHENTICATED, "status");
        CHECK(first->user_name() == std::optional<std::string>("Alice Liddell"), "user");
        CHECK(first->has_session() && first->expires().has_value(), "expires");
        CHECK(first->json().find("\"event\":\"initial\"") != std::string::npos, "json %s",
              first->json().c_str());
        CHECK(!first->reason_name() && !first->error_message() &&
                  first->error_status() == AUTHJS_OK,
              "fields of initial");
    }
    CHECK(!w.next_event(std::chrono::milliseconds(0)).has_value(), "an event from nothing");
    client.sign_out();
    auto out = w.next_event(std::chrono::seconds(5));
    if (CHECK(out.has_value(), "no signed_out event")) {
        CHECK(out->kind() == AUTHJS_EVENT_SIGNED_OUT && out->name() == "signed_out", "kind");
        CHECK(out->reason_name() == std::optional<std::string>("local"), "reason");
        CHECK(!out->status() && !out->has_session(), "fields of signed_out");
    }
    // Moves keep the watcher (and its events) working.
    authjs::Watcher moved(std::move(w));
    CHECK(!moved.next_event(std::chrono::milliseconds(0)).has_value(), "moved watcher");
    authjs::Event kept = std::move(*out);
    CHECK(kept.reason() == AUTHJS_SIGN_OUT_REASON_LOCAL, "moved event");
    try {
        (void)w.next_event(std::chrono::milliseconds(0));
        CHECK(false, "a moved-from watcher did not throw");
    } catch (const authjs::Error &e) {
        CHECK(e.status() == AUTHJS_ERR_NULL_ARGUMENT, "status %s", e.status_name());
    }
}

void errors(const authjs::Client &client) {
    harness_context = "c++ errors";
    for (const char *bad : {R"({"refetchIntervalMs": 0})", R"({"interval": 5})", "[]"}) {
        try {
            authjs::Watcher w(client, bad);
            CHECK(false, "options %s accepted", bad);
        } catch (const authjs::Error &e) {
            CHECK(e.status() == AUTHJS_ERR_INVALID_ARGUMENT, "%s: %s", bad, e.status_name());
        }
    }
    try {
        authjs::Watcher w(client, authjs::Watcher::Callback());
        CHECK(false, "an empty callback accepted");
    } catch (const authjs::Error &e) {
        CHECK(e.status() == AUTHJS_ERR_NULL_ARGUMENT, "%s", e.status_name());
    }
    CHECK(authjs::status_name(AUTHJS_SESSION_LOADING) == "loading", "status name");
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    std::string options = argc > 2 ? std::string(R"({"caCertFile": ")") + argv[2] + "\"}"
                                    : std::string();
    try {
        authjs::Client client(argv[1], argc > 2 ? authjs::OptionalString(options)
                                                : authjs::OptionalString());
        CHECK(client.status() == AUTHJS_SESSION_LOADING, "fresh client status");
        callback_form(client);
        pull_form(client);
        errors(client);
    } catch (const authjs::Error &e) {
        CHECK(false, "unexpected authjs::Error %s: %s", e.status_name(), e.what());
    }
    return finish("test_watch_cpp");
}
