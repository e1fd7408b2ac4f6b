import ArgumentParser
import SeatConfig
import SeatCore
import SeatStore

/// `seatctl catalog import|show`.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Load or show the catalog of plans and prices.",
        subcommands: [Import.self, Show.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Store a catalog file in the ledger.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The catalog YAML file.") var file: String
        @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

        func run() throws {
            let session = try Session(options)
            let (bytes, tooLarge) = try Session.read(file)
            let (catalog, loaded) = tooLarge.map { (nil, [$0]) } ?? ConfigLoader.loadCatalog(bytes, file: file)
            var diagnostics = loaded
            if let card = CardNumberGuard.check(file: file, bytes: bytes) { diagnostics.append(card) }
            session.printDiagnostics(diagnostics, sources: [file: bytes])
            guard let catalog, !diagnostics.hasErrors else { throw CLIError.reported }
            try session.store(actor: actor).importCatalog(catalog, actor: Session.actor(actor), at: session.now)
            Console.out("Imported \(catalog.plans.count) plans (\(catalog.currency)) from \(sanitizedForDisplay(file)).\n")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the catalog the ledger uses.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let session = try Session(options)
            let catalog = try session.catalogWithoutCreating()
            switch options.format {
            case .json:
                Console.out(JSONValue.object([
                    ("format_version", .string(JSONPlanView.formatVersion)),
                    ("currency", .string(catalog.currency)),
                    ("plans", .array(catalog.plans.map { p in
                        .object([("id", .string(p.id)), ("name", .string(p.name)), ("products", .array(p.products.map(JSONValue.string))),
                                 ("billing", .string(p.billing.rawValue)), ("commitment", .string(p.commitment.rawValue)),
                                 ("contract_months", p.contractMonths.map(JSONValue.int) ?? .null),
                                 ("price", .object([("amount", .string(p.price.decimalString)), ("currency", .string(p.price.currency))])),
                                 ("storage_per_license_gb", .int(p.storagePerLicenseGB)),
                                 ("offered_to", .array(p.offeredTo.map { .string($0.rawValue) })),
                                 ("licenses", .object([("min", .int(p.minLicenses)), ("max", .int(p.maxLicenses))]))])
                    })),
                ]).serialized())
            case .text, .markdown:
                let rows = catalog.plans.map { p in
                    [p.id, p.billing.rawValue, p.commitment.rawValue + (p.contractMonths.map { " (\($0) mo)" } ?? ""),
                     p.price.formatted, "\(p.storagePerLicenseGB) GB", p.offeredTo.map(\.rawValue).joined(separator: ", "),
                     p.products.joined(separator: ", ")]
                }
                Console.out(sanitizedForDisplay("Catalog (\(catalog.currency)), price per license per billing period:\n\n"
                    + Table.render(header: ["plan", "billing", "commitment", "price", "storage", "offered to", "products"],
                                   rows: rows, rightAligned: [3, 4])))
            }
        }
    }
}
