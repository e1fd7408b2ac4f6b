import SeatCore

/// A composed YAML document: a flat, index-linked node tree that keeps every
/// node's position. Flat arrays instead of one object per node keep the cost
/// per node to a few bytes and no allocation (a 100,000-user file has about a
/// million nodes), and walking it never needs recursion proportional to the
/// input's depth.
struct YAMLDocument {
    enum Kind: UInt8 {
        case scalar, sequence, mapping
        /// A `*name` reference; `Node.first` is the anchored node's index.
        case alias
    }

    enum Style: UInt8 {
        case plain, singleQuoted, doubleQuoted, literal, folded, flow, block
    }

    /// What an explicit tag says about a node; most nodes have none.
    enum Tag: UInt8 {
        case none
        /// `!!str` or the non-specific `!`: the scalar is a string whatever it looks like.
        case string
        /// Another `tag:yaml.org,2002:` tag (`!!int`, `!!map`, ...): resolved as if untagged.
        case standard
        /// An application tag such as `!foo`, which seatctl does not understand.
        case custom
    }

    struct Node {
        var kind: Kind
        var style: Style
        var tag: Tag
        /// 1-based.
        var line: Int32
        /// 1-based, in Unicode scalars.
        var column: Int32
        /// Scalar: index into `scalars`. Collection: index of the first child
        /// in `children`. Alias: index of the target node.
        var first: Int32
        /// Collection: number of entries in `children` (keys and values
        /// alternate in a mapping).
        var count: Int32
    }

    var nodes: [Node] = []
    var scalars: [String] = []
    var children: [Int32] = []
    /// The text of custom tags, for messages; rare.
    var customTags: [Int32: String] = [:]
    var root: Int32 = 0

    /// The node an alias stands for; any other node itself.
    @inline(__always)
    func resolved(_ index: Int32) -> Node {
        let node = nodes[Int(index)]
        return node.kind == .alias ? nodes[Int(node.first)] : node
    }

    @inline(__always)
    func resolvedIndex(_ index: Int32) -> Int32 {
        let node = nodes[Int(index)]
        return node.kind == .alias ? node.first : index
    }

    /// Where the node is written (for an alias, where the alias is, not the anchor).
    @inline(__always)
    func location(_ index: Int32, in origin: SourceLocation) -> SourceLocation {
        let node = nodes[Int(index)]
        return origin.moved(toLine: Int(node.line), column: Int(node.column))
    }

    /// The text of a scalar node (after resolving an alias).
    @inline(__always)
    func text(of node: Node) -> String {
        scalars[Int(node.first)]
    }

    /// The child indices of a collection node.
    @inline(__always)
    func entries(of node: Node) -> ArraySlice<Int32> {
        let start = Int(node.first)
        return children[start..<(start + Int(node.count))]
    }
}
