/// Task numbers as an array spec (`0,3,7-9`), the form `sbatch --array` and people read.
public enum TaskRanges {
    public static func describe(_ tasks: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = tasks.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
