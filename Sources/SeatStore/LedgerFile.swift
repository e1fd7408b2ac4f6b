import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks and prepares the file of an on-disk SQLite ledger before SQLite
/// opens it.
///
/// SQLite happily opens a directory's sibling, an empty file or a file
/// that is not a database, and only fails later, sometimes after writing.
/// Everything here reads only, except creating a missing ledger: a file
/// that exists is never rewritten, truncated or "repaired". A problem is
/// a ``LedgerError/unusable(path:reason:)`` with a reason a person can act on.
enum LedgerFile {
    /// Permissions of a ledger file and its `-wal` and `-shm` companions: the
    /// ledger holds people's emails and names, so only its owner reads it.
    static let mode: mode_t = 0o600
    /// Permissions of a directory seatctl creates for a ledger.
    static let directoryMode = 0o700

    /// The SQLite companions that hold a WAL database's recent commits.
    static func companions(of path: String) -> [String] {
        [path + "-wal", path + "-shm"]
    }

    /// Makes sure `path` can hold a ledger: creates a missing file (and its
    /// directory) with mode 0600, and checks an existing one looks like an
    /// intact SQLite database.
    static func prepare(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw LedgerError.unusable(path: path, reason: "it is a directory, not a ledger file")
            }
            try checkExisting(path)
        } else if try !create(path) {
            // Another process created it between our look and our create.
            try checkExisting(path)
        }
    }

    /// Whether a file (of any kind) is at `path`; never creates anything.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether a `-wal` or `-shm` file lies beside the ledger with no SQLite
    /// connection using it: what a crashed or killed process leaves. A live
    /// connection holds a read lock on byte 128 of the `-shm` file (SQLite's
    /// "DMS" lock) for as long as it is open; `F_GETLK` asks without taking it.
    static func hasLeftoverCompanions(_ path: String) -> Bool {
        let shm = path + "-shm"
        guard exists(path + "-wal") || exists(shm) else { return false }
        let descriptor = open(shm, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 128
        probe.l_len = 1
        guard fcntl(descriptor, F_GETLK, &probe) == 0 else { return false }
        return probe.l_type == Int16(F_UNLCK)
    }

    /// Whether the filesystem holding the ledger has no block left for this user.
    static func isOnFullDisk(_ path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var info = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return false }
        return info.f_bavail == 0
    }

    /// Restricts the `-wal` and `-shm` companions to the owner, where they
    /// exist and the filesystem lets us (SQLite itself gives them the
    /// ledger's own permissions).
    static func restrictCompanions(of path: String) {
        for companion in companions(of: path) where exists(companion) {
            _ = chmod(companion, mode)
        }
    }

    /// Creates the ledger file with mode 0600; false when it already exists.
    private static func create(_ path: String) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
                if !isDirectory.boolValue {
                    throw LedgerError.unusable(path: path, reason: "\(directory) is not a directory")
                }
            } else {
                do {
                    // Owner-only, like the file: the directory also holds the -wal and -shm files.
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: directoryMode])
                } catch {
                    throw LedgerError.unusable(path: path, reason: "cannot create the directory \(directory): \(describe(error))")
                }
            }
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode)
        if descriptor < 0 {
            let code = errno
            if code == EEXIST { return false }
            throw LedgerError.unusable(path: path, reason: "cannot create the file: \(String(cString: strerror(code)))")
        }
        // The umask may have narrowed the mode; never widened it, but be exact.
        _ = fchmod(descriptor, mode)
        close(descriptor)
        return true
    }

    private static func checkExisting(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw LedgerError.unusable(path: path, reason: "cannot read it: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw LedgerError.unusable(path: path, reason: "it is not a regular file")
        }
        guard access(path, R_OK | W_OK) == 0 else {
            throw LedgerError.unusable(path: path, reason: "it is not readable and writable by this user (\(String(cString: strerror(errno))))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        guard access(directory.isEmpty ? "." : directory, W_OK) == 0 else {
            throw LedgerError.unusable(
                path: path,
                reason: "its directory is not writable, and SQLite needs to create its -wal and -shm files there")
        }
        // Another process's checkpoint may write the header's new page count
        // before the pages that extend the file, or between our stat and our
        // read: a file that looks truncated is looked at again before being refused.
        var size = Int64(info.st_size)
        for attempt in 1...5 {
            do {
                try checkHeader(path, size: size, final: attempt == 5)
                return
            } catch is PossiblyMidCheckpoint {
                usleep(20_000)
                guard stat(path, &info) == 0 else { continue }
                size = Int64(info.st_size)
            }
        }
    }

    /// A page count larger than the file, which a concurrent checkpoint can show for a moment.
    private struct PossiblyMidCheckpoint: Error {}

    /// Reads the 100-byte SQLite header: the magic string, the page size and
    /// the page count, which catch garbage and truncated files before
    /// SQLite does anything with them.
    private static func checkHeader(_ path: String, size: Int64, final: Bool) throws {
        // SQLite treats an empty file as an empty database; so do we (it is
        // what a crash right after creating the file leaves).
        if size == 0 { return }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError.unusable(path: path, reason: "cannot read it")
        }
        defer { try? handle.close() }
        let header: [UInt8]
        do {
            header = Array(try handle.read(upToCount: 100) ?? Data())
        } catch {
            throw LedgerError.unusable(path: path, reason: "cannot read it: \(describe(error))")
        }
        let magic = Array("SQLite format 3\0".utf8)
        guard header.starts(with: magic.prefix(min(header.count, magic.count))) else {
            throw LedgerError.unusable(path: path, reason: "it is not a SQLite database")
        }
        guard header.count == 100 else {
            throw LedgerError.unusable(path: path, reason: "it is truncated (\(size) bytes, shorter than a SQLite header)")
        }

        let rawPageSize = Int64(header[16]) << 8 | Int64(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
            throw LedgerError.unusable(path: path, reason: "its SQLite header is corrupted")
        }
        guard size % pageSize == 0 else {
            if !final { throw PossiblyMidCheckpoint() }
            throw LedgerError.unusable(
                path: path, reason: "it is truncated or corrupted (\(size) bytes is not a whole number of \(pageSize)-byte pages)")
        }
        func bigEndian32(_ offset: Int) -> Int64 {
            header[offset..<offset + 4].reduce(0) { $0 << 8 | Int64($1) }
        }
        // The page count in the header is only meaningful when the change
        // counter and the "version valid for" number agree. Pages committed
        // to a -wal file that holds frames are not in the main file yet.
        let pageCount = bigEndian32(28)
        if pageCount > 0, bigEndian32(24) == bigEndian32(92), pageCount * pageSize > size, !walHoldsFrames(path) {
            if !final { throw PossiblyMidCheckpoint() }
            throw LedgerError.unusable(
                path: path, reason: "it is truncated (its header records \(pageCount) pages, the file holds \(size / pageSize))")
        }
    }

    /// A WAL file longer than its 32-byte header holds committed pages.
    private static func walHoldsFrames(_ path: String) -> Bool {
        var info = stat()
        return stat(path + "-wal", &info) == 0 && info.st_size > 32
    }

    private static func describe(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}
