import ArgumentParser
import Foundation
import SeatConfig
import SeatCore

/// `seatctl user …`: the portal's user operations.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "The portal's user operations: add, assign, unassign, terminate.",
        subcommands: [Add.self, Assign.self, Unassign.self, Terminate.self])

    /// `EMAIL --account A`.
    struct Subject: ParsableArguments {
        @Argument(help: "The user's email.") var email: String
        @Option(name: .long, help: "The account.") var account: String

        func validate() throws {
            try PortalArguments.checkAccount(account)
            _ = try PortalArguments.email(email)
        }

        var normalizedEmail: String { email.lowercased() }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user to an existing account (or bring back a terminated one).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(name: .long, help: "Display name.") var name: String?
        @Option(name: .long, help: "administrator, manager or user.") var role: String = Role.user.rawValue
        @OptionGroup var actor: ActorOption

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role \"\(sanitizedForDisplay(role))\" is not a role (administrator, manager or user)")
            }
            if let name {
                if name.isEmpty { throw ValidationError("--name must not be empty") }
                if let problem = InputChecks.nameProblem(name) {
                    throw ValidationError("--name \"\(sanitizedForTerminal(String(name.prefix(80))))\" \(problem)")
                }
            }
        }

        func run() throws {
            let operation = PortalOperation.addUser(email: subject.normalizedEmail, name: name, role: Role(rawValue: role) ?? .user)
            try PortalRun(options, actor: actor).run(operation, account: subject.account)
        }
    }

    /// `assign` and `unassign`: an operation on a user's license of a plan.
    protocol PlanCommand: ParsableCommand {
        var options: GlobalOptions { get }
        var subject: Subject { get }
        var plan: String { get }
        var actor: ActorOption { get }
        static func operation(email: String, plan: String) -> PortalOperation
    }

    struct Assign: PlanCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign the oldest unassigned license of a plan to a user, buying one if none is free.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(name: .long, help: "The catalog plan.") var plan: String
        @OptionGroup var actor: ActorOption
        static func operation(email: String, plan: String) -> PortalOperation { .assign(email: email, plan: plan) }
    }

    struct Unassign: PlanCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unassign a user's license of a plan; the license stays owned and free.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(name: .long, help: "The catalog plan.") var plan: String
        @OptionGroup var actor: ActorOption
        static func operation(email: String, plan: String) -> PortalOperation { .unassign(email: email, plan: plan) }
    }

    struct Terminate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unassign every license of a user and terminate the user.",
            discussion: """
                --last-work-day records the user's last day at work in the journal. It may be today or \
                earlier (in the account's time zone), never later: run the termination on or after that day.
                """)
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(name: .long, help: ArgumentHelp("The user's last day at work, YYYY-MM-DD; today or earlier.", valueName: "date"))
        var lastWorkDay: String?
        @OptionGroup var actor: ActorOption

        func validate() throws {
            if let lastWorkDay, Day(iso: lastWorkDay) == nil {
                throw ValidationError("--last-work-day \"\(sanitizedForDisplay(lastWorkDay))\" is not a date (write it as YYYY-MM-DD)")
            }
        }

        func run() throws {
            let operation = PortalOperation.terminate(email: subject.normalizedEmail, lastWorkDay: lastWorkDay.flatMap(Day.init(iso:)))
            try PortalRun(options, actor: actor).run(operation, account: subject.account)
        }
    }
}

extension UserCommand.PlanCommand {
    func run() throws {
        try PortalRun(options, actor: actor).run(Self.operation(email: subject.normalizedEmail, plan: plan), account: subject.account)
    }
}
