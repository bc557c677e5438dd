import Foundation
import XCTest

/// Planned jobs (`vsr plan`, `vsr upscale --job/--task`, `vsr merge`, `--resumable`) on fixtures
/// made here with the ffmpeg CLI, judged by ffmpeg's framemd5 and ffprobe: segmented runs give the
/// frames, timestamps and streams of an unsegmented one, and crashes at any moment resume to the
/// same bytes.
final class JobTests: TemporaryDirectoryTestCase {
    /// The fixtures the issue names, small enough that upscaling them costs little.
    private func makeFixtures() throws -> [(name: String, path: String, segmentFrames: Int)] {
        let subtitles = path("subs.srt"), chapters = path("chapters.txt")
        try "1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:05,000 --> 00:00:07,500\nWorld\n".write(
            toFile: subtitles, atomically: true, encoding: .utf8)
        try
            ";FFMETADATA1\ntitle=Fixture\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=10000\ntitle=Two\n"
            .write(toFile: chapters, atomically: true, encoding: .utf8)
        let video = ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25"]
        let sound = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
        // CFR H.264 with B-frames, AAC, SubRip and chapters in Matroska.
        try Tools.ffmpeg(
            video + sound + [
                "-i", subtitles, "-i", chapters, "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3", "-t", "10",
            ]
                + ["-c:v", "libx264", "-g", "40", "-bf", "3", "-c:a", "aac", "-c:s", "srt", path("cfr.mkv")])
        // Variable frame rate: a 1 s gap just before frame 100, the one keyframe after frame 0, so a
        // segment boundary falls on the gap.
        try Tools.ffmpeg(
            video + ["-t", "8", "-vf", "setpts='PTS+if(gte(N,100),1/TB,0)'", "-fps_mode", "passthrough", "-c:v", "libx264"]
                + ["-g", "1000", "-sc_threshold", "0", "-force_key_frames", "expr:eq(n,100)", "-bf", "2", path("vfr.mkv")])
        // Open-GOP HEVC: CRA keyframes followed in decode order by leading pictures shown before them.
        try Tools.ffmpeg(
            video + ["-t", "8", "-c:v", "libx265", "-x265-params"]
                + ["keyint=48:min-keyint=1:open-gop=1:bframes=3:b-adapt=0:radl=0:log-level=error", path("opengop.mp4")])
        // MPEG-TS starting at 10 s.
        try Tools.ffmpeg(
            video + sound + ["-t", "8", "-c:v", "libx264", "-g", "50", "-bf", "2", "-c:a", "mp2", "-output_ts_offset", "10"]
                + ["-shortest", path("offset.ts")])
        // An MP4 whose edit list starts 0.3 s into a GOP (a stream copy cut at 1.3 s).
        try Tools.ffmpeg(
            video + sound + ["-t", "10", "-c:v", "libx264", "-g", "50", "-bf", "2", "-c:a", "aac", "-shortest", path("long.mp4")])
        try Tools.ffmpeg(["-ss", "1.3", "-i", path("long.mp4"), "-c", "copy", path("editlist.mp4")])
        var fixtures = [
            ("CFR H.264 + AAC + SubRip + chapters", path("cfr.mkv"), 30), ("VFR with a 1 s gap at a boundary", path("vfr.mkv"), 30),
            ("open-GOP HEVC in MP4", path("opengop.mp4"), 30), ("MPEG-TS starting at 10 s", path("offset.ts"), 30),
            ("MP4 with an edit list starting mid-GOP", path("editlist.mp4"), 30),
        ]
        fixtures.append(("H.263 in 3GP", try Tools.shared("media/h263-qcif.3gp"), 5))
        return fixtures
    }

    private func vsr(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try Tools.vsr(arguments, environment: environment)
    }

    private func sha256(_ file: String) throws -> String {
        let result = try Tools.run("/usr/bin/sha256sum", [file])
        return String(result.stdoutText.prefix(64))
    }

    /// ffmpeg's framemd5 of the video: every frame's timestamps, duration, size and MD5.
    private func frameDigests(_ file: String) throws -> [String] {
        let listing = path("frames-\(UUID().uuidString).md5")
        try Tools.ffmpeg(["-i", file, "-map", "0:v", "-f", "framemd5", listing])
        return try String(contentsOfFile: listing, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
    }

    /// MD5 of each packet of a stream type that is presented, and of the one before the first of
    /// them when an MP4 edit list marks it to be discarded (flag D): the decoder's pre-roll. The
    /// other discarded packets are never shown, and vsr does not copy them.
    private func presentedPacketHashes(_ file: String, _ selector: String) throws -> [String] {
        let packets = try Tools.ffprobe(
            file, ["-select_streams", selector, "-show_data_hash", "MD5", "-show_entries", "packet=flags,data_hash"])
        let list = (packets["packets"] as? [[String: Any]] ?? []).map {
            (discarded: (($0["flags"] as? String) ?? "").contains("D"), hash: $0["data_hash"] as? String ?? "none")
        }
        let first = list.firstIndex { !$0.discarded } ?? list.count
        return list.enumerated().filter { !$0.element.discarded || $0.offset == first - 1 }.map(\.element.hash)
    }

    private func times(_ file: String) throws -> [Double] {
        try Probe(file).framePresentationTimes().compactMap { Double($0) }
    }

    /// Every task of the job in `job`, one process each, in order.
    private func runTasks(_ job: String) throws {
        let list = try vsr(["status", "--job", job, "--format", "list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        for task in list.stdoutText.split(separator: "\n") {
            let result = try vsr(["upscale", "--job", job, "--task", String(task)])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
    }

    /// The input's frame count and timestamps (to Matroska's millisecond). One exception, the
    /// container's and not vsr's: where an MP4 edit list starts inside an AAC frame, the audio starts
    /// before the video (that frame, and the one before it as the decoder's pre-roll), and Matroska,
    /// which holds no negative timestamps, shifts every stream by that (under two AAC frames, 42.7 ms
    /// at 48 kHz); the sync and the spacing are kept. The MP4 merge below shows no shift.
    private func assertTimes(of output: String, match input: String, name: String) throws {
        let inputTimes = try times(input), outputTimes = try times(output)
        XCTAssertEqual(outputTimes.count, inputTimes.count, "\(name): the input's frame count")
        guard let first = outputTimes.first, let start = inputTimes.first else { return }
        let shift = first - start
        XCTAssertEqual(shift, 0, accuracy: output.hasSuffix(".mkv") && input.hasSuffix(".mp4") ? 0.0427 : 0.0011, "\(name)")
        for (got, want) in zip(outputTimes, inputTimes) {
            XCTAssertEqual(got - shift, want, accuracy: 0.0011, "\(name): the input's timestamps")
        }
    }

    func testSegmentedJobsGiveTheFramesTimestampsAndStreamsOfAnUnsegmentedRun() throws {
        for (name, input, segmentFrames) in try makeFixtures() {
            let job = path("job-\(UUID().uuidString)")
            let plan = try vsr(["plan", input, "--job", job, "--segment-frames", String(segmentFrames), "--codec", "ffv1"])
            XCTAssertEqual(plan.status, 0, "\(name): \(plan.stderr)")
            XCTAssertGreaterThan(Int(plan.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 1, "\(name): several tasks")
            try runTasks(job)
            let merged = path("merged-\(UUID().uuidString).mkv"), whole = path("whole-\(UUID().uuidString).mkv")
            let merge = try vsr(["merge", "--job", job, "-o", merged])
            XCTAssertEqual(merge.status, 0, "\(name): \(merge.stderr)")
            let reference = try vsr(["upscale", input, "-o", whole, "--codec", "ffv1", "--progress", "none"])
            XCTAssertEqual(reference.status, 0, "\(name): \(reference.stderr)")

            let digests = try frameDigests(merged)
            XCTAssertEqual(digests, try frameDigests(whole), "\(name): every frame's pts, duration and MD5 as unsegmented")
            try assertTimes(of: merged, match: input, name: name)
            let source = try Probe(input), output = try Probe(merged)
            for selector in ["a", "s"] {
                let copied = try presentedPacketHashes(merged, selector), original = try presentedPacketHashes(input, selector)
                XCTAssertEqual(copied.count, original.count, "\(name): \(selector) packets copied once")
                XCTAssertTrue(copied == original, "\(name): \(selector) packets copied byte for byte, in order")
            }
            XCTAssertEqual(output.chapters.map { $0["start_time"] as? String }, source.chapters.map { $0["start_time"] as? String }, name)
            XCTAssertEqual(
                output.chapters.map { ($0["tags"] as? [String: String])?["title"] },
                source.chapters.map { ($0["tags"] as? [String: String])?["title"] },
                name)
        }
        // The edit-list fixture once more with the default encoder into MP4, which holds the
        // audio's start before the video: exact timestamps, no shift.
        let job = path("job-mp4"), merged = path("editlist-merged.mp4")
        XCTAssertEqual(try vsr(["plan", path("editlist.mp4"), "--job", job, "--segment-frames", "30"]).status, 0)
        try runTasks(job)
        let merge = try vsr(["merge", "--job", job, "-o", merged])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        try assertTimes(of: merged, match: path("editlist.mp4"), name: "edit list into MP4")
    }

    /// A 150-frame clip in 6 segments, upscaled with the defaults (the shipped model, libx264).
    private func makeClip() throws -> String {
        let input = path("clip.mkv")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "6",
            "-c:v", "libx264", "-g", "25", "-bf", "2", "-c:a", "aac", "-shortest", input,
        ])
        return input
    }

    /// Starts `vsr` and SIGKILLs it after `delay` seconds if it still runs; returns its status.
    private func runKilled(_ arguments: [String], after delay: Double, environment: [String: String] = [:]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.vsr)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testSIGKILLAtEveryCommitStepAndAtRandomMomentsResumesToTheSameBytes() throws {
        let input = try makeClip()
        let options = ["--segment-frames", "25", "--progress", "none", "-y"]
        let reference = path("reference.mkv")
        let started = Date()
        let uninterrupted = try vsr(["upscale", input, "-o", reference, "--resumable"] + options)
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.stderr)
        let length = Date().timeIntervalSince(started)
        let expected = try sha256(reference)
        XCTAssertFalse(FileManager.default.fileExists(atPath: reference + ".vsr-job"), "the default job folder is removed when done")

        var generator = SystemRandomNumberGenerator()
        var trials: [(name: String, environment: [String: String], delay: Double)] = []
        for step in ["after-tmp", "after-rename", "before-receipt", "after-receipt"] {
            for segment in [0, 3] { trials.append(("\(step):\(segment)", ["VSR_TEST_KILL_AT": "\(step):\(segment)"], 60)) }
        }
        for number in 0..<12 {
            let delay = Double.random(in: 0.05...max(0.1, length), using: &generator)
            trials.append((String(format: "random #%d at %.2f s", number, delay), [:], delay))
        }
        XCTAssertGreaterThanOrEqual(trials.count, 20)
        for trial in trials {
            let output = path("out-\(UUID().uuidString).mkv")
            let arguments = ["upscale", input, "-o", output, "--resumable"] + options
            let first = try runKilled(arguments, after: trial.delay, environment: trial.environment)
            if !trial.environment.isEmpty { XCTAssertEqual(first, SIGKILL, "\(trial.name): the hook killed it") }
            var status = first
            for _ in 0..<4 where status != 0 {
                let resumed = try vsr(arguments)
                status = resumed.status
                XCTAssertEqual(status, 0, "\(trial.name): resuming: \(resumed.stderr)")
            }
            XCTAssertEqual(try sha256(output), expected, "\(trial.name): the resumed file has the uninterrupted run's bytes")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output + ".vsr-job"), trial.name)
        }
        let left = try listing().filter { $0.contains("tmp") }
        XCTAssertEqual(left, [], "no temporary file is left beside the outputs")
    }

    func testSIGTERMStopsATaskWithStatus75AndItsTemporaryFilesRemoved() throws {
        let input = try makeClip()
        let job = path("job")
        XCTAssertEqual(try vsr(["plan", input, "--job", job, "--segment-frames", "150"]).status, 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.vsr)
        process.arguments = ["upscale", "--job", job, "--task", "0"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Signalled once its temporary segment exists, part way through the segment.
        let seg = job + "/seg"
        for _ in 0..<600 {
            if (try? FileManager.default.contentsOfDirectory(atPath: seg))?.contains(where: { $0.contains("tmp") }) == true { break }
            usleep(10_000)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 75)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: seg), [], "no segment, receipt or temporary file")
        let again = try vsr(["upscale", "--job", job, "--task", "0"])
        XCTAssertEqual(again.status, 0, again.stderr)
    }

    func testAChangedInputGives65AChangedOptionGives78AndRestartStartsOver() throws {
        let input = try makeClip()
        let job = path("job")
        XCTAssertEqual(try vsr(["plan", input, "--job", job, "--segment-frames", "50", "--crf", "20"]).status, 0)
        let task = try vsr(["upscale", "--job", job, "--task", "0"])
        XCTAssertEqual(task.status, 0, task.stderr)
        XCTAssertEqual(
            try vsr(["upscale", "--job", job, "--task", "1", "--crf", "20", "--threads", "1"]).status, 0,
            "the plan's options, any parallelism")
        let status = try vsr(["status", "--job", job, "--missing", "--format", "slurm"])
        XCTAssertEqual(status.stdoutText, "2\n")

        let option = try vsr(["upscale", "--job", job, "--task", "2", "--crf", "23"])
        XCTAssertEqual(option.status, 78, option.stderr)
        XCTAssertTrue(option.stderr.contains("options differ from the plan"), option.stderr)
        let replan = try vsr(["plan", input, "--job", job, "--model", "bicubic"])
        XCTAssertEqual(replan.status, 78, replan.stderr)
        XCTAssertEqual(try vsr(["upscale", "--job", job, "--task", "9"]).status, 64)

        // The same bytes with a later modification time: the input is not the one planned.
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: input)
        let changed = try vsr(["upscale", "--job", job, "--task", "2"])
        XCTAssertEqual(changed.status, 65, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("has changed since the job was planned"), changed.stderr)
        XCTAssertEqual(try vsr(["merge", "--job", job, "-o", path("out.mkv")]).status, 65)
        XCTAssertEqual(try vsr(["plan", input, "--job", job, "--segment-frames", "50"]).status, 65)
        XCTAssertTrue(FileManager.default.fileExists(atPath: job + "/seg/0.mkv"), "nothing is deleted without --restart")

        let restart = try vsr(["plan", input, "--job", job, "--segment-frames", "50", "--restart"])
        XCTAssertEqual(restart.status, 0, restart.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: job + "/seg/0.mkv"), "--restart discards the old segments")
        let missing = try vsr(["status", "--job", job, "--missing", "--format", "slurm"])
        XCTAssertEqual(missing.stdoutText, "0-2\n")
        let early = try vsr(["merge", "--job", job, "-o", path("out.mkv")])
        XCTAssertEqual(early.status, 75, early.stderr)
        XCTAssertTrue(early.stderr.contains("tasks 0-2"), early.stderr)
    }

    func testTheSlurmJobArrayRequeuesExit75AndAResubmissionMergesToTheSameBytes() throws {
        for tool in ["sbatch", "slurmctld", "slurmd", "munged", "mungekey"]
        where Tools.which(tool) == nil && !FileManager.default.fileExists(atPath: "/usr/sbin/\(tool)") {
            XCTFail("\(tool) is not installed: make setup installs slurm-wlm and munge")
            return
        }
        try runScript("slurm.sh", timeout: 600)
    }

    func testGNUParallelKilledPartWayResumesWithResumeFailedToTheSameBytes() throws {
        guard Tools.which("parallel") != nil else { return XCTFail("GNU parallel is not installed: make setup installs it") }
        try runScript("parallel.sh", timeout: 300)
    }

    /// Runs a scale-out script of Tests/ScaleOut; its output is the failure message.
    private func runScript(_ name: String, timeout: TimeInterval) throws {
        let script = Tools.packageRoot.appendingPathComponent("Tests/ScaleOut/\(name)").path
        var environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "")]
        environment["HOME"] = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let result = try Tools.run("/bin/bash", [script, Tools.vsr, path("work")], timeout: timeout, environment: environment)
        XCTAssertEqual(result.status, 0, result.stdoutText + result.stderr)
        print(result.stdoutText.split(separator: "\n").last ?? "")
    }
}
