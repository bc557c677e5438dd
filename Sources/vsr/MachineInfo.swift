import CBuildInfo
import Foundation
import VSRInference

/// What a benchmark ran on and with: CPU, vector features, build configuration and git revision.
struct MachineInfo {
    let cpuModel: String
    /// The vector and FMA features that matter for the kernels, as /proc/cpuinfo names them.
    let cpuFlags: [String]
    let cores: Int
    let configuration: String
    let targetCPU: String
    let gitRevision: String

    static let interestingFlags = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni"]

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }
                .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        // One portable x86-64 build; the kernels' instruction set is chosen at run time (`kernels`).
        let target = "portable (kernels chosen at run time)"
        return MachineInfo(
            cpuModel: field("model name") ?? "unknown", cpuFlags: interestingFlags.filter(flags.contains),
            cores: ProcessInfo.processInfo.activeProcessorCount, configuration: configuration,
            targetCPU: target, gitRevision: gitRevision())
    }

    /// The revision this binary was built from, as `make build` recorded it ("unknown" without make).
    private static func gitRevision() -> String {
        String(cString: vsr_build_revision())
    }

    var json: [String: Any] {
        [
            "cpu_model": cpuModel, "cpu_flags": cpuFlags, "cores": cores,
            "build": [
                "configuration": configuration, "target_cpu": targetCPU, "git_revision": gitRevision,
                "vsr_version": VSRVersion.string,
            ],
            "kernels": [
                "level": CPUKernels.selected.level.name, "best_level": CPULevel.best.name,
                "forced_by_env": CPULevel.forcedName ?? NSNull(),
                "conv_microkernel": CPUKernels.selected.convShape, "features": CPUFeatures.detected.names,
            ] as [String: Any],
        ]
    }
}
