import Crypto
import Foundation
import SeatCore

/// A change set saved by `seatctl plan --out FILE`, for `seatctl apply FILE`
/// to carry out exactly, without planning again.
///
/// The file is a versioned JSON document:
///
///     {"format": "seatctl-saved-plan", "format_version": 1,
///      "integrity": "sha256:…", "plan": {…}}
///
/// `plan` holds the change set, the ledger lineage and serial it was made
/// against, the SHA-256 of the desired-state file's bytes and its path, the
/// guards, the seatctl version and the planning time. `integrity` is the
/// SHA-256 of `plan` encoded canonically (sorted keys, no spaces): any edit
/// to `plan` that changes its meaning changes the digest. It is a checksum,
/// not a signature: whoever can write the file can also recompute it.
struct SavedPlan: Equatable {
    static let format = "seatctl-saved-plan"
    static let formatVersion = 1
    /// The extension `plan --out` suggests; apply recognises a saved plan by
    /// its content, whatever its name.
    static let fileExtension = "seatplan"

    var seatctlVersion: String
    var desiredFile: String
    var desiredSHA256: String
    /// The file's guards (values only), checked again at apply.
    var guards: Guards
    /// What the plan showed would be charged now and credited; apply
    /// computes them again and refuses the plan if they changed.
    var charges: PlannedCharges?
    /// The change set; its billing is left out (apply computes it again).
    var changeSet: ChangeSet

    init(seatctlVersion: String = SeatCore.version, desiredFile: String, desiredSHA256: String, guards: Guards,
         charges: PlannedCharges? = nil, changeSet: ChangeSet) {
        self.seatctlVersion = seatctlVersion
        self.desiredFile = desiredFile
        self.desiredSHA256 = desiredSHA256
        self.guards = Guards(maxUnassignments: guards.maxUnassignments.map { Located($0.value) },
                             maxChargeNow: guards.maxChargeNow.map { Located($0.value) })
        self.charges = charges ?? changeSet.billing.map { PlannedCharges(chargeNow: $0.chargeNow, credit: $0.credit) }
        var changeSet = changeSet
        changeSet.billing = nil
        self.changeSet = changeSet
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    // MARK: Writing

    private struct Header: Decodable {
        var format: String?
        var formatVersion: Int?
    }

    private struct Envelope: Codable {
        var format: String
        var formatVersion: Int
        var integrity: String
        var plan: SavedPlanBody
    }

    /// Compact, keys sorted: the file is for seatctl to read (people read
    /// the plan it prints), and a 100,000-user plan stays small.
    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func digest(_ body: SavedPlanBody) throws -> String {
        "sha256:" + sha256(try encoder().encode(body))
    }

    /// The file's bytes: the same saved plan always gives the same bytes.
    func serialized() throws -> Data {
        let body = SavedPlanBody(self)
        let envelope = Envelope(format: Self.format, formatVersion: Self.formatVersion, integrity: try Self.digest(body), plan: body)
        var data = try Self.encoder().encode(envelope)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    // MARK: Reading

    /// True when `bytes` are meant to be a saved plan (a JSON object naming
    /// the saved-plan format), intact or not. A desired-state file never is.
    static func isSavedPlan(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }), first == UInt8(ascii: "{") else {
            return false
        }
        return String(decoding: bytes.prefix(4096), as: UTF8.self).contains("\"\(format)\"")
    }

    /// Reads and checks a saved plan: its format and version, its integrity
    /// digest and the seatctl version that wrote it.
    static func read(_ bytes: [UInt8]) throws -> SavedPlan {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // The format and its version first, so a newer format is named as
        // such rather than as damage.
        guard let header = try? decoder.decode(Header.self, from: data) else {
            throw SavedPlanProblem.damaged("it is not a JSON document")
        }
        guard header.format == format else { throw SavedPlanProblem.damaged("its \"format\" is not \"\(format)\"") }
        guard let version = header.formatVersion else { throw SavedPlanProblem.damaged("it has no format_version") }
        guard version == formatVersion else { throw SavedPlanProblem.unknownVersion(version) }

        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            throw SavedPlanProblem.damaged(describe(error))
        }
        guard try digest(envelope.plan) == envelope.integrity else { throw SavedPlanProblem.tampered }
        guard envelope.plan.seatctlVersion == SeatCore.version else {
            throw SavedPlanProblem.otherVersion(envelope.plan.seatctlVersion)
        }
        return try envelope.plan.savedPlan()
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        default:
            return "it cannot be read"
        }
    }
}

/// The money a saved plan showed: charged now and credited.
struct PlannedCharges: Hashable {
    var chargeNow: Money
    var credit: Money

    var description: String { "\(chargeNow.formatted) charged now, \(credit.formatted) credited" }
}

/// Why a saved plan cannot be used at all, before the ledger is looked at.
enum SavedPlanProblem: Error, Equatable {
    case damaged(String)
    case unknownVersion(Int)
    case tampered
    case otherVersion(String)

    func message(file: String) -> CLIError {
        let again = "run `seatctl plan FILE --out \(file)` again"
        switch self {
        case .damaged(let reason):
            return .message("\(file) is not a usable saved plan: \(reason); nothing was changed", hint: again)
        case .unknownVersion(let version):
            return .message("\(file) is a saved plan of format version \(version), but this seatctl reads only version \(SavedPlan.formatVersion); nothing was changed",
                            hint: "apply it with the seatctl that wrote it, or " + again)
        case .tampered:
            return .message("\(file) was modified after seatctl wrote it (its integrity digest does not match its contents); nothing was changed",
                            hint: "never edit a saved plan; " + again)
        case .otherVersion(let version):
            return .message("\(file) was created by seatctl \(version), but this is seatctl \(SeatCore.version); saved plans cannot be applied by another version; nothing was changed",
                            hint: again)
        }
    }
}
