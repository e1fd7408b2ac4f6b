/// A deterministic random number generator (SplitMix64), so a failing
/// property test or random case can be replayed from its seed. Shared by
/// the test targets.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A random text: its length drawn from `lengths`, then each element
    /// drawn from `alphabet` (a character repeated there is drawn more often).
    public mutating func text<Element>(from alphabet: [Element], length lengths: ClosedRange<Int>) -> [Element] {
        let length = Int.random(in: lengths, using: &self)
        return (0..<length).map { _ in alphabet.randomElement(using: &self)! }
    }
}
