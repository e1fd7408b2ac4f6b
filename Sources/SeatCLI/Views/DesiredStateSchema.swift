import SeatConfig
import SeatCore

/// The JSON Schema (draft 2020-12) of the desired-state file, for editors
/// (`# yaml-language-server: $schema=…`) and CI linters.
///
/// It describes what a schema can: keys, types, enumerations, slugs, email
/// and domain shapes, count limits, and a few cross-field rules (an external
/// user holds no plans; a self-employed account has at most one user and one
/// plan). What needs the loader or the ledger stays with `seatctl validate`:
/// duplicate keys and emails that differ only in case, YAML anchors and
/// merge keys, time zone names, and the business rules.
enum DesiredStateSchema {
    static let slugPattern = "^[a-z0-9][a-z0-9-]{0,62}$"
    static let domainPattern = "^([^@\\s.]+\\.)+[^@\\s.]+$"
    static let emailPattern = "^[^@\\s]+@([^@\\s.]+\\.)+[^@\\s.]+$"
    static let amountPattern = "^[0-9]+(\\.[0-9]+)?$"

    static var document: JSONValue {
        let range = DesiredStateFormat.countRange
        func count(_ description: String) -> JSONValue {
            .object([("description", .string(description)), ("type", .string("integer")),
                     ("minimum", .int(range.lowerBound)), ("maximum", .int(range.upperBound))])
        }
        func string(_ description: String, pattern: String? = nil, enumeration: [String]? = nil) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("description", .string(description)), ("type", .string("string"))]
            if let pattern { pairs.append(("pattern", .string(pattern))) }
            if let enumeration { pairs.append(("enum", .array(enumeration.map(JSONValue.string)))) }
            return .object(pairs)
        }
        func boolean(_ description: String) -> JSONValue {
            .object([("description", .string(description)), ("type", .string("boolean"))])
        }
        func list(_ description: String, of item: JSONValue) -> JSONValue {
            .object([("description", .string(description)), ("type", .string("array")), ("items", item), ("uniqueItems", .bool(true))])
        }
        func object(_ description: String, keys: [String], _ properties: [String: JSONValue], required: [String] = [],
                    extra: [(String, JSONValue)] = []) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("description", .string(description)), ("type", .string("object"))]
            // Properties in the loader's key order; every loader key is described.
            pairs.append(("properties", .object(keys.map { ($0, properties[$0] ?? .object([])) })))
            if !required.isEmpty { pairs.append(("required", .array(required.map(JSONValue.string)))) }
            pairs.append(("additionalProperties", .bool(false)))
            return .object(pairs + extra)
        }
        let domain = JSONValue.object([("type", .string("string")), ("pattern", .string(domainPattern))])

        let plan = object("A plan of the catalog and how many licenses of it the account holds.",
                          keys: DesiredStateFormat.planKeys, [
            "licenses": .object([
                ("description", .string("A whole number of licenses, or auto: the users holding the plan in this file plus headroom.")),
                ("anyOf", .array([count("Exactly this many licenses."), .object([("const", .string("auto"))])])),
            ]),
            "headroom": count("With licenses: auto, this many licenses beyond the users holding the plan."),
        ], required: ["licenses"])

        let user = object("A user of the account, keyed by email.", keys: DesiredStateFormat.userKeys, [
            "name": string("Display name."),
            "role": string("The user's role; user when left out.", enumeration: Role.allCases.map(\.rawValue)),
            "plans": list("Catalog plans the user holds a license of.", of: .object([("type", .string("string")), ("pattern", .string(slugPattern))])),
            "paused": boolean("Keeps the user's licenses but suspends access."),
            "external": boolean("An external consultant: uses no license and may hold no plans."),
        ], extra: [
            ("if", .object([("properties", .object([("external", .object([("const", .bool(true))]))])), ("required", .array([.string("external")]))])),
            ("then", .object([("properties", .object([("plans", .object([("maxItems", .int(0))]))]))])),
        ])

        let guards = object("Safety limits for apply.", keys: DesiredStateFormat.guardKeys, [
            "maxUnassignments": count("Refuse an apply that unassigns or terminates more users than this, unless --allow-large-change."),
            "maxChargeNow": string("Refuse an apply that charges more than this now (a quoted decimal in the catalog's currency), unless --allow-large-change.",
                                   pattern: amountPattern),
        ])

        let root = object("A seatctl desired-state file: the plans, license counts and users of one account.",
                          keys: DesiredStateFormat.topLevelKeys, [
            "account": string("The account's slug: lowercase letters, digits and hyphens.", pattern: slugPattern),
            "kind": string("The kind of account; fixed once applied.", enumeration: AccountKind.allCases.map(\.rawValue)),
            "name": string("Display name of the account."),
            "emailDomains": list("Enterprise: the domains (and their subdomains) user emails must be in.", of: domain),
            "blockedDomains": list("Public mail domains to refuse, on top of the built-in list.", of: domain),
            "timezone": .object([("description", .string("IANA time zone for billing days, e.g. Europe/London; UTC when left out.")),
                                 ("type", .string("string")), ("minLength", .int(1))]),
            "prune": boolean("Terminate users that are in the ledger but not in this file."),
            "closeAccount": boolean("Self-employed only: deactivate the one user and close the account."),
            "guards": .object([("anyOf", .array([.object([("type", .string("null"))]), guards]))]),
            "plans": .object([
                ("description", .string("The plans the account holds, keyed by catalog plan id.")),
                ("type", .array([.string("object"), .string("null")])),
                ("propertyNames", .object([("pattern", .string(slugPattern))])),
                ("additionalProperties", plan),
            ]),
            "users": .object([
                ("description", .string("The account's users, keyed by email (compared case-insensitively).")),
                ("type", .array([.string("object"), .string("null")])),
                ("propertyNames", .object([("pattern", .string(emailPattern)), ("maxLength", .int(254))])),
                ("additionalProperties", .object([("anyOf", .array([.object([("type", .string("null"))]), user]))])),
            ]),
        ], required: ["account", "kind"], extra: [
            ("if", .object([("properties", .object([("kind", .object([("const", .string(AccountKind.selfEmployed.rawValue))]))])),
                            ("required", .array([.string("kind")]))])),
            ("then", .object([("properties", .object([
                ("plans", .object([("maxProperties", .int(1))])),
                ("users", .object([("maxProperties", .int(1))])),
            ]))])),
        ])
        guard case .object(let pairs) = root else { return root }
        return .object([("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
                        ("title", .string("seatctl desired state"))] + pairs)
    }
}
