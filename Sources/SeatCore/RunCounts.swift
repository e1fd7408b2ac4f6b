/// Counts keys that arrive in runs: a ledger lists licenses oldest first,
/// so those bought together (one plan, one billing span) come one after
/// another, and the map is updated once per run rather than once per key.
struct RunCounts<Key: Hashable> {
    private var counts: [Key: Int] = [:]
    private var run: (key: Key, count: Int)?

    mutating func add(_ key: Key) {
        if let current = run, current.key == key {
            run?.count += 1
            return
        }
        if let current = run { counts[current.key, default: 0] += current.count }
        run = (key, 1)
    }

    /// How many times each key was added.
    var totals: [Key: Int] {
        guard let run else { return counts }
        var all = counts
        all[run.key, default: 0] += run.count
        return all
    }
}
