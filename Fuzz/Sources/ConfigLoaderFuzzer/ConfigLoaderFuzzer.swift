// libFuzzer entry point for seatctl's YAML loaders. Every input is read both
// as a desired-state file and as a catalog file; the loaders must return
// (diagnostics or a value) without crashing, hanging or leaking, whatever
// the bytes; the desired-state fast path must give exactly what the
// reference reader gives, and its common-form scanner exactly libyaml's
// events. Built with `-sanitize=fuzzer,address` by `scripts/fuzz.sh`.

@_spi(Fuzzing) import SeatConfig
import SeatCore

/// Small limits keep each run fast, so the fuzzer explores more inputs per
/// second; the limit checks themselves are exercised all the same.
private let limits = LoaderLimits(maxBytes: 1 << 20, maxDepth: 64, maxNodes: 100_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let desired = ConfigLoader.loadDesiredState(bytes, file: "fuzz.yaml", limits: limits)
    checkInvariants(value: desired.state, desired.diagnostics, source: bytes)
    let reference = ConfigLoader.composeDesiredState(bytes, file: "fuzz.yaml", limits: limits)
    if desired.state != reference.state || desired.diagnostics != reference.diagnostics {
        fatalError("the desired-state fast path and the reference reader disagree")
    }
    if !ConfigLoader.commonFormScanAgreesWithLibyaml(bytes, limits: limits) {
        fatalError("the common-form scanner read the file with other events than libyaml's")
    }
    let catalog = ConfigLoader.loadCatalog(bytes, file: "fuzz.yaml", limits: limits)
    checkInvariants(value: catalog.catalog, catalog.diagnostics, source: bytes)
    return 0
}

/// The loaders' contract: a value exactly when no diagnostic is an error,
/// and every diagnostic renders (rendering touches the source line and caret
/// arithmetic, a classic place for off-by-one crashes).
private func checkInvariants<Value>(value: Value?, _ diagnostics: [Diagnostic], source: [UInt8]) {
    if diagnostics.hasErrors == (value != nil) {
        fatalError("loader returned a value together with errors, or neither")
    }
    let rendered = DiagnosticRenderer(sources: ["fuzz.yaml": source], color: false).render(diagnostics)
    // Whatever the file holds, nothing a terminal acts on may come out raw.
    if rendered.unicodeScalars.contains(where: { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0 }) {
        fatalError("rendered diagnostics carry a raw control character")
    }
}
