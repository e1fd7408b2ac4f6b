import Foundation
import SeatCore

/// The fast path for desired-state files: builds the `DesiredState` straight
/// from YAML events, with no node tree, comparing keys as bytes and making a
/// `String` only for the values it keeps.
///
/// It reads only files that `YAMLComposer` + `DesiredStateReader` would
/// accept, and builds exactly the value they would (locations included).
/// The moment it meets anything else (an anchor, alias or tag, an unknown or
/// repeated key, a value of the wrong type or that fails a check, a second
/// document, a libyaml error, a limit) it stops with a `FastPathExit`, and
/// `ConfigLoader` reads the file again from scratch the reference way, which
/// reports every problem. So it never produces a diagnostic of its own: it
/// only has to be right about what is valid, and every rule below is the
/// reference reader's rule for the valid case.
enum DesiredStateFastPath {
    /// Where the events came from.
    enum Source: Equatable {
        /// `CommonYAMLScanner`, for a file in the common form.
        case commonForm
        /// libyaml, through `YAMLEventCursor`.
        case libyaml
    }

    enum Outcome {
        case state(DesiredState, Source)
        case fallBack(FastPathExit)
    }

    /// The file's `DesiredState` from the common-form scanner's events; for a
    /// file outside the common form, from libyaml's.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String, limits: LoaderLimits) -> Outcome {
        do throws(FastPathExit) {
            var reader = DesiredStateEventReader(events: CommonYAMLScanner(bytes, limits: limits), file: file)
            return .state(try reader.readStream(), .commonForm)
        } catch where !error.retryWithLibyaml {
            return .fallBack(error)
        } catch {
            // Outside the common form: libyaml reads the same bytes from the start.
        }
        do throws(FastPathExit) {
            var reader = DesiredStateEventReader(events: try YAMLEventCursor(bytes, limits: limits), file: file)
            return .state(try reader.readStream(), .libyaml)
        } catch {
            return .fallBack(error)
        }
    }
}

/// Reads a `DesiredState` from `Events` (see `DesiredStateFastPath`).
struct DesiredStateEventReader<Events: YAMLEventSource & ~Copyable>: ~Copyable {
    private var events: Events
    private let file: String
    /// The file's first line: every location is made from it.
    private let origin: SourceLocation
    private let topLevelKeys = KeyMatcher<DesiredStateKey.TopLevel>()
    private let planKeys = KeyMatcher<DesiredStateKey.Plan>()
    private let userKeys = KeyMatcher<DesiredStateKey.User>()
    private let guardKeys = KeyMatcher<DesiredStateKey.Guard>()
    /// Where an email with capitals is lower-cased.
    private var lowercased: [UInt8] = []
    /// Where a user's plan list is gathered.
    private var planBuffer: [Located<String>] = []

    init(events: consuming Events, file: String) {
        self.events = events
        self.file = file
        origin = SourceLocation(file: file, line: 1, column: 1)
    }

    // MARK: Structure

    mutating func readStream() throws(FastPathExit) -> DesiredState {
        try expect(.streamStart)
        try expect(.documentStart)
        let state = try readRoot(try events.next())
        try expect(.documentEnd)
        try expect(.streamEnd)   // not a second document
        return state
    }

    private mutating func expect(_ kind: YAMLEvent.Kind) throws(FastPathExit) {
        let event = try events.next()
        guard event.kind == kind else { throw FastPathExit("an unexpected \(event.kind)", line: event.line) }
    }

    private func unsupported(_ what: String, _ event: YAMLEvent) -> FastPathExit {
        FastPathExit(what, line: event.line)
    }

    /// The next key of the mapping being read, or nil at its end.
    private mutating func nextKey() throws(FastPathExit) -> YAMLEvent? {
        let key = try events.next()
        if key.kind == .mappingEnd { return nil }
        guard key.kind == .scalar else { throw unsupported("a key that is not a scalar", key) }
        return key
    }

    /// A known key's value comes next; an unknown or repeated key ends the fast path.
    private func field<Key>(_ key: YAMLEvent, in keys: inout KeyMatcher<Key>) throws(FastPathExit) -> Key {
        guard let field = keys.firstOccurrence(of: key.text) else { throw unsupported("an unknown or repeated key", key) }
        return field
    }

    private mutating func readRoot(_ root: YAMLEvent) throws(FastPathExit) -> DesiredState {
        guard root.kind == .mappingStart else { throw unsupported("a root that is not a mapping", root) }
        var keys = topLevelKeys
        var account: Located<String>?
        var kind: Located<AccountKind>?
        var name: Located<String>?
        var emailDomains: [Located<String>] = [], blockedDomains: [Located<String>] = []
        var timezone: Located<String>?
        var prune: Located<Bool>?, closeAccount: Located<Bool>?
        var guards = Guards()
        var plans: [DesiredPlan] = [], users: [DesiredUser] = []
        var plansLocation: SourceLocation?, usersLocation: SourceLocation?

        while let key = try nextKey() {
            let field = try field(key, in: &keys)
            let value = try events.next()
            switch field {
            case .account:
                let text = try requiredText(value)
                guard Validation.isSlug(text.value) else { throw unsupported("an invalid account slug", value) }
                account = text
            case .kind:
                kind = try choice(value, DesiredStateReader.kinds, isRequired: true)
            case .name:
                name = try displayName(value)
            case .emailDomains:
                emailDomains = try domains(value)
            case .blockedDomains:
                blockedDomains = try domains(value)
            case .timezone:
                timezone = try text(value)
                if let zone = timezone?.value, TimeZone(identifier: zone) == nil {
                    throw unsupported("an unknown time zone", value)
                }
            case .prune:
                prune = try bool(value)
            case .closeAccount:
                closeAccount = try bool(value)
            case .guards:
                guards = try readGuards(value)
            case .plans:
                plansLocation = location(key)
                plans = try readPlans(value)
            case .users:
                usersLocation = location(key)
                users = try readUsers(value)
            }
        }
        guard let account, let kind else { throw unsupported("a missing account or kind", root) }
        return DesiredState(
            file: file, account: account, kind: kind, name: name,
            emailDomains: emailDomains, blockedDomains: blockedDomains,
            timezone: timezone ?? Located("UTC"), prune: prune ?? Located(false),
            closeAccount: closeAccount ?? Located(false), guards: guards,
            plans: plans, users: users, usersLocation: usersLocation, plansLocation: plansLocation)
    }

    /// `emailDomains` / `blockedDomains`: lower-cased, each a valid domain.
    private mutating func domains(_ value: YAMLEvent) throws(FastPathExit) -> [Located<String>] {
        guard try startsList(value) else { return [] }
        var result: [Located<String>] = []
        while let item = try nextItem() {
            let text = try requiredText(item)
            let domain = text.value.lowercased()
            guard Validation.domainProblem(domain) == nil else { throw unsupported("an invalid domain", item) }
            result.append(Located(domain, at: text.location))
        }
        return result
    }

    private mutating func readGuards(_ value: YAMLEvent) throws(FastPathExit) -> Guards {
        if isNull(value) { return Guards() }
        guard value.kind == .mappingStart else { throw unsupported("guards that are not a mapping", value) }
        var keys = guardKeys
        var guards = Guards()
        while let key = try nextKey() {
            let field = try field(key, in: &keys)
            let value = try events.next()
            switch field {
            case .maxUnassignments:
                guards.maxUnassignments = try integer(value, range: DesiredStateReader.countRange)
            case .maxChargeNow:
                guards.maxChargeNow = try amount(value)
            }
        }
        return guards
    }

    /// A decimal amount written as a string (`"2500.00"`), kept as written.
    private func amount(_ value: YAMLEvent) throws(FastPathExit) -> Located<String>? {
        guard value.kind == .scalar else { throw unsupported("an amount that is not a scalar", value) }
        switch kind(of: value) {
        case .integer, .float: throw unsupported("an unquoted amount", value)
        default: break
        }
        guard let text = try text(value) else { return nil }
        guard Validation.isDecimalAmount(text.value) else { throw unsupported("an invalid amount", value) }
        return text
    }

    // MARK: Plans

    private mutating func readPlans(_ value: YAMLEvent) throws(FastPathExit) -> [DesiredPlan] {
        if isNull(value) { return [] }
        guard value.kind == .mappingStart else { throw unsupported("plans that are not a mapping", value) }
        var plans: [DesiredPlan] = []
        var seen = Set<String>()
        while let key = try nextKey() {
            guard kind(of: key) != .null else { throw unsupported("a null key", key) }
            let id = String(decoding: key.text, as: UTF8.self)
            guard Validation.isSlug(id), seen.insert(id).inserted else {
                throw unsupported("an invalid or repeated plan id", key)
            }
            plans.append(try readPlan(Located(id, at: location(key)), try events.next()))
        }
        return plans
    }

    private mutating func readPlan(_ id: Located<String>, _ value: YAMLEvent) throws(FastPathExit) -> DesiredPlan {
        guard value.kind == .mappingStart else { throw unsupported("a plan that is not a mapping", value) }
        var keys = planKeys
        var licenses: Located<LicenseCount>?
        var headroom: Located<Int>?
        while let key = try nextKey() {
            let field = try field(key, in: &keys)
            let value = try events.next()
            switch field {
            case .licenses:
                // `auto` in any style, as `DesiredStateReader` reads it.
                if value.kind == .scalar && value.text.elementsEqual("auto".utf8) {
                    licenses = Located(.auto, at: location(value))
                } else if let count = try integer(value, range: DesiredStateReader.countRange, isRequired: true) {
                    licenses = Located(.exact(count.value), at: count.location)
                }
            case .headroom:
                headroom = try integer(value, range: DesiredStateReader.countRange)
            }
        }
        guard let licenses else { throw unsupported("a plan without licenses", value) }
        return DesiredPlan(id: id, licenses: licenses, headroom: headroom ?? Located(0))
    }

    // MARK: Users

    private mutating func readUsers(_ value: YAMLEvent) throws(FastPathExit) -> [DesiredUser] {
        if isNull(value) { return [] }
        guard value.kind == .mappingStart else { throw unsupported("users that are not a mapping", value) }
        var users: [DesiredUser] = []
        while let key = try nextKey() {
            let email = try self.email(key)
            users.append(try readUser(email: email, at: location(key), try events.next()))
            // `DesiredUser` lower-cases the address again; repeats are
            // looked for below in what it keeps, which must be `email`.
            guard users[users.count - 1].email == email else {
                throw unsupported("an email that lower-cases twice", key)
            }
        }
        // Repeats are looked for once all are read, in a set sized once.
        // Keyed by `String`, whose equality (canonical equivalence) is what
        // `DesiredStateReader` calls a duplicate.
        var seen = Set<String>(minimumCapacity: users.count)
        for index in users.indices where !seen.insert(users[index].email).inserted {
            throw FastPathExit("a repeated user", line: users[index].location?.line ?? 0)
        }
        return users
    }

    /// The key's address, lower-cased, when it is a valid one.
    private mutating func email(_ key: YAMLEvent) throws(FastPathExit) -> String {
        let text = key.text
        var hasCapital = false, isASCII = true
        for byte in text {
            if byte >= 0x80 {
                isASCII = false
                break
            }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { hasCapital = true }
        }
        let email: String
        let isValid: Bool
        if !isASCII {
            email = String(decoding: text, as: UTF8.self).lowercasedIfNeeded()
            isValid = Validation.emailProblem(email) == nil
        } else if hasCapital {
            lowercased.removeAll(keepingCapacity: true)
            lowercased.append(contentsOf: text.lazy.map {
                $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0
            })
            let checked = lowercased.withUnsafeBufferPointer { lower in
                (String(decoding: lower, as: UTF8.self), Validation.isValidASCIIEmail(lower))
            }
            email = checked.0
            isValid = checked.1
        } else {
            email = String(decoding: text, as: UTF8.self)
            isValid = Validation.isValidASCIIEmail(text)
        }
        // The byte check only vouches for the common form; the full check decides.
        guard isValid || Validation.emailProblem(email) == nil else { throw unsupported("an invalid email", key) }
        return email
    }

    private mutating func readUser(email: String, at location: SourceLocation,
                                   _ value: YAMLEvent) throws(FastPathExit) -> DesiredUser {
        if isNull(value) { return DesiredUser(email: email, at: location) }
        guard value.kind == .mappingStart else { throw unsupported("a user that is not a mapping", value) }
        var keys = userKeys
        var name: Located<String>?
        var role: Located<Role>?
        var plans: [Located<String>] = []
        var paused: Located<Bool>?, external: Located<Bool>?
        while let key = try nextKey() {
            let field = try field(key, in: &keys)
            let value = try events.next()
            switch field {
            case .name: name = try displayName(value)
            case .role: role = try choice(value, DesiredStateReader.roles)
            case .plans: plans = try planList(value)
            case .paused: paused = try bool(value)
            case .external: external = try bool(value)
            }
        }
        return DesiredUser(email: email, at: location, name: name, role: role ?? Located(.user), plans: plans,
                           isPaused: paused ?? Located(false), isExternal: external ?? Located(false))
    }

    /// A user's plan ids, none repeated.
    private mutating func planList(_ value: YAMLEvent) throws(FastPathExit) -> [Located<String>] {
        guard try startsList(value) else { return [] }
        // Gathered in a reused buffer, so each user's list is allocated once, at its size.
        planBuffer.removeAll(keepingCapacity: true)
        while let item = try nextItem() {
            let plan = try requiredText(item)
            // A handful per user: a linear search, with `String` equality as in `DesiredStateReader`.
            guard !planBuffer.contains(where: { $0.value == plan.value }) else {
                throw unsupported("a repeated plan", item)
            }
            planBuffer.append(plan)
        }
        return planBuffer.isEmpty ? [] : Array(planBuffer)
    }

    // MARK: Scalars

    private func location(_ event: YAMLEvent) -> SourceLocation {
        origin.moved(toLine: event.line, column: event.column)
    }

    /// What the scalar means; quoted and block scalars are always strings.
    @inline(__always)
    private func kind(of scalar: YAMLEvent) -> PlainScalar.Kind {
        scalar.isPlain ? PlainScalar.kind(of: scalar.text) : .string
    }

    private func isNull(_ value: YAMLEvent) -> Bool {
        value.kind == .scalar && kind(of: value) == .null
    }

    /// A string as `SchemaReader.string` accepts it (numbers keep their text);
    /// nil for null, which means "not given".
    private func text(_ value: YAMLEvent) throws(FastPathExit) -> Located<String>? {
        guard value.kind == .scalar else { throw unsupported("a collection where a string belongs", value) }
        switch kind(of: value) {
        case .null: return nil
        case .bool: throw unsupported("a boolean where a string belongs", value)
        case .integer, .float, .string: return Located(String(decoding: value.text, as: UTF8.self), at: location(value))
        }
    }

    private func requiredText(_ value: YAMLEvent) throws(FastPathExit) -> Located<String> {
        guard let text = try text(value) else { throw unsupported("a null where a string is required", value) }
        return text
    }

    /// A display name: a string that passes `Validation.nameProblem`.
    private func displayName(_ value: YAMLEvent) throws(FastPathExit) -> Located<String>? {
        guard let name = try text(value) else { return nil }
        guard Validation.isValidASCIIName(value.text) || Validation.nameProblem(name.value) == nil else {
            throw unsupported("an invalid name", value)
        }
        return name
    }

    private func bool(_ value: YAMLEvent) throws(FastPathExit) -> Located<Bool>? {
        guard value.kind == .scalar else { throw unsupported("a collection where a boolean belongs", value) }
        switch kind(of: value) {
        case .null: return nil
        case .bool(let flag): return Located(flag, at: location(value))
        default: throw unsupported("a non-boolean where a boolean belongs", value)
        }
    }

    /// A whole number in `range`; nil for null when not required.
    private func integer(_ value: YAMLEvent, range: ClosedRange<Int>,
                         isRequired: Bool = false) throws(FastPathExit) -> Located<Int>? {
        guard value.kind == .scalar else { throw unsupported("a collection where a number belongs", value) }
        switch kind(of: value) {
        case .null where !isRequired:
            return nil
        case .integer:
            guard let number = Int(String(decoding: value.text, as: UTF8.self)), range.contains(number) else {
                throw unsupported("a number out of range", value)
            }
            return Located(number, at: location(value))
        default:
            throw unsupported("a non-number where a number belongs", value)
        }
    }

    /// One of a fixed set of words.
    private func choice<T: Hashable & Sendable>(_ value: YAMLEvent, _ options: [(String, T)],
                                                isRequired: Bool = false) throws(FastPathExit) -> Located<T>? {
        let text = isRequired ? try requiredText(value) : try self.text(value)
        guard let text else { return nil }
        guard let match = options.first(where: { $0.0 == text.value }) else { throw unsupported("an unknown word", value) }
        return Located(match.1, at: text.location)
    }

    /// True when `value` starts a list, whose items `nextItem()` then
    /// gives; false for null, which is an empty list.
    private func startsList(_ value: YAMLEvent) throws(FastPathExit) -> Bool {
        if isNull(value) { return false }
        guard value.kind == .sequenceStart else { throw unsupported("a value that is not a list", value) }
        return true
    }

    /// The next item of the list being read, or nil at its end.
    private mutating func nextItem() throws(FastPathExit) -> YAMLEvent? {
        let item = try events.next()
        return item.kind == .sequenceEnd ? nil : item
    }
}
