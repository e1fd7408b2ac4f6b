/// The desired-state file's keys and limits as the loader enforces them,
/// for what describes the format elsewhere (`seatctl schema`), so that the
/// description cannot drift from the loader.
public enum DesiredStateFormat {
    public static var topLevelKeys: [String] { DesiredStateReader.topLevelKeys }
    public static var planKeys: [String] { DesiredStateReader.planKeys }
    public static var userKeys: [String] { DesiredStateReader.userKeys }
    public static var guardKeys: [String] { DesiredStateReader.guardKeys }
    /// The range of license counts, headroom and `maxUnassignments`.
    public static var countRange: ClosedRange<Int> { DesiredStateReader.countRange }
}
