// Double-include test, part A: authjs.hpp (and authjs.h) are included by two
// translation units linked into one program. Every function of the wrapper must be
// inline, or the link fails with multiple definitions. Needs no server.
#include "authjs.h"
#include "authjs.hpp"
#include "authjs.h"
#include "authjs.hpp"

#include <cstdio>
#include <string>

int double_include_b();

int main() {
    int failures = double_include_b();
    if (authjs::version() != authjs_version()) {
        std::puts("double_include: version mismatch");
        failures++;
    }
    try {
        authjs::Client c("not a url at all ://");
        std::puts("double_include: invalid URL accepted");
        failures++;
    } catch (const authjs::Error &e) {
        if (e.status() != AUTHJS_ERR_INVALID_ARGUMENT) {
            std::printf("double_include: unexpected status %s\n", e.status_name());
            failures++;
        }
    }
    std::printf("double_include: %d passed, %d failed\n", 3 - failures, failures);
    return failures == 0 ? 0 : 1;
}
