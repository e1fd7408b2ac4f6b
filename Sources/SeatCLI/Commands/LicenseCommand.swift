import ArgumentParser
import SeatConfig
import SeatCore

/// `seatctl license …`: the portal's license operations and views.
struct LicenseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license",
        abstract: "The portal's license operations (buy, remove, pause, resume) and views (list, show).",
        subcommands: [Buy.self, Remove.self, Pause.self, Resume.self, LicenseListCommand.self, LicenseShowCommand.self])

    /// `--account A --plan P --count N`, checked before the ledger is opened.
    struct Target: ParsableArguments {
        @Option(name: .long, help: "The account.") var account: String
        @Option(name: .long, help: "The catalog plan.") var plan: String
        @Option(name: .long, help: "How many licenses.") var count: Int

        func validate() throws {
            try PortalArguments.checkAccount(account)
            guard count > 0 else { throw ValidationError("--count must be a whole number above 0, not \(count)") }
        }
    }

    /// `buy` and `remove`: an operation on a count of a plan's licenses.
    protocol CountCommand: ParsableCommand {
        var options: GlobalOptions { get }
        var target: Target { get }
        var actor: ActorOption { get }
        static func operation(plan: String, count: Int) -> PortalOperation
    }

    struct Buy: CountCommand {
        static let configuration = CommandConfiguration(
            abstract: "Buy licenses of a plan (charged now, prorated), as the portal does.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var target: Target
        @OptionGroup var actor: ActorOption
        static func operation(plan: String, count: Int) -> PortalOperation { .buy(plan: plan, count: count) }
    }

    struct Remove: CountCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove unassigned licenses of a plan, newest first, as the portal does.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var target: Target
        @OptionGroup var actor: ActorOption
        static func operation(plan: String, count: Int) -> PortalOperation { .remove(plan: plan, count: count) }
    }

    /// `pause` and `resume`: an operation on one license, found by its code.
    protocol CodeCommand: ParsableCommand {
        var options: GlobalOptions { get }
        var code: String { get }
        var actor: ActorOption { get }
        static func operation(code: String) -> PortalOperation
    }

    struct Pause: CodeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause a license: its holder keeps it but loses access. A user is paused as a whole.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The license code.") var code: String
        @OptionGroup var actor: ActorOption
        static func operation(code: String) -> PortalOperation { .pause(license: code) }
    }

    struct Resume: CodeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a paused license, and with it its holder.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The license code.") var code: String
        @OptionGroup var actor: ActorOption
        static func operation(code: String) -> PortalOperation { .resume(license: code) }
    }
}

extension LicenseCommand.CountCommand {
    func run() throws {
        try PortalRun(options, actor: actor).run(Self.operation(plan: target.plan, count: target.count), account: target.account)
    }
}

extension LicenseCommand.CodeCommand {
    func run() throws {
        let run = try PortalRun(options, actor: actor)
        let found = try run.account(ofLicense: code)
        try run.run(Self.operation(code: found.code), account: found.account)
    }
}

/// Checks on the portal's arguments that need no ledger: usage errors.
enum PortalArguments {
    static func checkAccount(_ account: String) throws {
        guard InputChecks.isSlug(account) else {
            throw ValidationError("--account \"\(sanitizedForDisplay(account))\" is not an account slug (lowercase letters, digits and hyphens)")
        }
    }

    /// The email lower-cased, as the ledger keeps it.
    static func email(_ text: String) throws -> String {
        if let problem = InputChecks.emailProblem(text) {
            throw ValidationError("\"\(sanitizedForDisplay(text))\" is not an email address: \(problem)")
        }
        return text.lowercased()
    }
}
