/// How a payment method's reference is shown. The ledger stores the whole
/// reference (reconciling with the payment provider needs it), but output,
/// errors and the journal show only enough to tell two apart: its prefix up
/// to the first `_` (the provider's kind, such as `pm_`) and its last four
/// characters, like a card's last four digits.
public enum PaymentReference {
    /// `pm_…u7ix` for `pm_1NqKq2LkdIwHu7ix`; `…` alone for one of 8
    /// characters or fewer, which would otherwise be shown nearly whole.
    public static func masked(_ reference: String) -> String {
        guard reference.count > 8 else { return "…" }
        var prefix = ""
        if let underscore = reference.firstIndex(of: "_"), reference.distance(from: reference.startIndex, to: underscore) <= 4 {
            prefix = String(reference[...underscore])
        }
        return prefix + "…" + String(reference.suffix(4))
    }
}
