/// The stable codes of the business rules (see DESIGN.md, "Business rules")
/// and of the desired-state file format. They appear in JSON output and are
/// matched by scripts and tests: never rename one.
public enum RuleCode: String, Sendable, CaseIterable, Codable {
    // Business rules.
    case assignedLicense = "assigned_license"
    case contractTerm = "contract_term"
    case selfEmployedFixed = "self_employed_fixed"
    case lastAdministrator = "last_administrator"
    case corporateEmail = "corporate_email"
    case planNotOffered = "plan_not_offered"
    case externalNoLicense = "external_no_license"
    case storageAllowance = "storage_allowance"
    case licenseExpired = "license_expired"
    case duplicateProduct = "duplicate_product"
    case unmanagedUser = "unmanaged_user"
    case largeChange = "large_change"
    case invoiceBatch = "invoice_batch"
    /// A declared license count outside the plan's catalog limits.
    case licenseLimits = "license_limits"
    /// The account is closed; nothing more can be applied to it.
    case accountClosed = "account_closed"
    /// An account, user, plan or license named on the command line does not exist.
    case notFound = "not_found"

    // File format.
    case yamlSyntax = "yaml_syntax"
    case unknownKey = "unknown_key"
    case missingKey = "missing_key"
    case duplicateKey = "duplicate_key"
    case wrongType = "wrong_type"
    case invalidValue = "invalid_value"
    case inputLimit = "input_limit"
}
