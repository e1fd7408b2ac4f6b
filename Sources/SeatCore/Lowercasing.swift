extension String {
    /// The same as `lowercased()`, but returns the string itself when it has
    /// nothing to lower (no `A`–`Z`, no non-ASCII), which is what almost
    /// every email and plan id is: a 100,000-user file would otherwise
    /// allocate a copy of every address, several times over.
    public func lowercasedIfNeeded() -> String {
        for byte in utf8 where byte >= 0x80 || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) {
            return lowercased()
        }
        return self
    }
}
