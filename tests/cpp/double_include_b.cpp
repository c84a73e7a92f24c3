// Double-include test, part B (see double_include_a.cpp).
#include "authjs.hpp"

#include <string>

int double_include_b() {
    // Instantiate the wrapper's functions in this translation unit too.
    authjs::Client c("http://127.0.0.1:1", std::string(R"({"timeoutMs": 1000})"));
    authjs::Client moved = std::move(c);
    std::string header = moved.cookie_header();
    return header.empty() && c.get() == nullptr ? 0 : 1;
}
