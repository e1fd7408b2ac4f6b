import SeatStore

extension LedgerError {
    /// What the user can do about a ledger seatctl cannot use, shown under
    /// the error. Chosen from the reason, which the store words.
    var hint: String? {
        switch self {
        case .stale:
            return "run `seatctl plan` again to see what changed"
        case .unusable(let path, let reason):
            if reason.hasPrefix("it is a directory") {
                return "point --state (or SEATCTL_STATE) at a file, e.g. \(path)/ledger.sqlite"
            }
            if reason.contains("full") {
                return "free some space on that disk (or move the ledger to a disk with room) and run the command again"
            }
            if reason.contains("truncated") || reason.contains("corrupted") || reason.contains("not a SQLite database")
                || reason.contains("another program") {
                return "seatctl never rewrites a file it cannot read as its ledger: restore the ledger from a backup, or point --state at another file"
            }
            if reason.contains("writable") || reason.contains("cannot create") || reason.contains("only be read")
                || reason.contains("cannot read") || reason.contains("cannot open") {
                return "run seatctl as the user who owns the ledger, or give this user read and write access to it and its directory"
            }
            return nil
        case .locked(let holder, _):
            return "wait for it to finish, retry with --lock-timeout 2m to wait for it, "
                + "or, if that process is gone, break the lock with `seatctl state unlock \(holder.id)`"
        default:
            // Newer schema, unsupported locations and database errors say what to do themselves.
            return nil
        }
    }
}
