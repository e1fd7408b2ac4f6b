// SwiftPM links an executable target with `main` aliased to
// `<Target>_main`, the name it gives the target's own entry point so tests
// can link the executable. A fuzzer built with `-parse-as-library` has no
// entry point of its own (libFuzzer's `main` should be the one), so the
// alias would dangle. This defines it: it hands control to libFuzzer's
// driver exactly as libFuzzer's own `main` does. Should SwiftPM stop
// aliasing, this function goes unused and libFuzzer's `main` links instead.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int ConfigLoaderFuzzer_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
