import CYaml

extension ConfigLoader {
    /// The account a desired-state file names, found from the file's first
    /// events without loading it, so that a command can start reading that
    /// account's ledger while the file loads.
    ///
    /// Only a guess to start early with: the loaded file decides, and a
    /// caller uses what it read early only when the loaded account is the
    /// same. nil when the root is not a mapping with an `account` scalar, or
    /// when the file holds anything the fast path leaves to the composer
    /// (an anchor, alias or tag, a libyaml error, a limit).
    ///
    /// `account` normally opens the file; when it comes later, the keys
    /// before it are skipped event by event, never built.
    public static func peekAccount(_ data: [UInt8], limits: LoaderLimits = .standard) -> String? {
        guard data.count <= limits.maxBytes else { return nil }
        return data.withUnsafeBufferPointer { bytes -> String? in
            do throws(FastPathExit) {
                var events = try YAMLEventCursor(bytes, limits: limits)
                guard try events.next().kind == .streamStart, try events.next().kind == .documentStart,
                      try events.next().kind == .mappingStart else { return nil }
                while true {
                    let key = try events.next()
                    guard key.kind == .scalar else { return nil }
                    // A key's text lives only until the next event.
                    let isAccount = key.text.elementsEqual("account".utf8)
                    let value = try events.next()
                    if isAccount {
                        guard value.kind == .scalar, !value.text.isEmpty else { return nil }
                        return String(decoding: value.text, as: UTF8.self)
                    }
                    // Skip the value: a scalar is one event, a collection runs to its end.
                    var open = value.kind == .mappingStart || value.kind == .sequenceStart ? 1 : 0
                    while open > 0 {
                        switch try events.next().kind {
                        case .mappingStart, .sequenceStart: open += 1
                        case .mappingEnd, .sequenceEnd: open -= 1
                        default: break
                        }
                    }
                }
            } catch {
                return nil
            }
        }
    }
}
