// Sign in to an Auth.js server with a username and password, print the user's name,
// call an API route of the app with the session cookie, sign out.
//
//   c++ -std=c++17 signin.cpp $(pkg-config --cflags --libs authjs) -o signin
//   ./signin http://127.0.0.1:3000 [CA_FILE]
#include <authjs.hpp>

#include <iostream>
#include <optional>
#include <string>

int main(int argc, char **argv) {
    const std::string url = argc > 1 ? argv[1] : "http://127.0.0.1:3000";
    std::optional<std::string> options;
    if (argc > 2) { // trust an extra CA (a test server's)
        options = std::string(R"({"caCertFile": ")") + argv[2] + "\"}";
    }
    try {
        authjs::Client client(url, options);

        auto result =
            client.sign_in("credentials", R"({"username": "alice", "password": "alice-password"})");
        if (!result.ok) {
            std::cerr << "sign-in refused: " << result.error.value_or("?") << "\n";
            return 1;
        }

        if (auto session = client.session()) {
            std::cout << "signed in as " << session->user_name().value_or("(no name)") << "\n";
        }

        authjs::Response me = client.request("GET", "/api/me");
        std::cout << "GET /api/me -> " << me.status << " " << me.body << "\n";

        client.sign_out();
        std::cout << "signed out\n";
    } catch (const authjs::Error &e) {
        std::cerr << e.status_name() << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
