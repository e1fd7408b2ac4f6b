/// Bounds on what the loaders accept, so that a hostile or broken file is
/// refused quickly (code `input_limit`) instead of exhausting memory, time or
/// the stack.
public struct LoaderLimits: Sendable, Hashable {
    /// Largest file accepted, checked before parsing starts.
    public var maxBytes: Int
    /// Deepest nesting of mappings and sequences.
    public var maxDepth: Int
    /// Most nodes the document may have once every alias is expanded. A
    /// document whose aliases expand it to more than ten times the nodes
    /// actually written (plus 1,000) is refused as well.
    public var maxNodes: Int

    /// Limits for callers (and tests) that need other bounds than `standard`.
    public init(maxBytes: Int, maxDepth: Int, maxNodes: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// 256 MiB, 64 levels, 16,000,000 nodes: room for a 1,000,000-user file
    /// (about 8,000,000 nodes), far below what would hurt.
    public static let standard = LoaderLimits(maxBytes: 256 << 20, maxDepth: 64, maxNodes: 16_000_000)
}
