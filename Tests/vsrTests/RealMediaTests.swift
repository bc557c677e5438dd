import Foundation
import XCTest

/// The real files in ../shared/media (phone, DVD, broadcast and web samples; its README says what
/// each shows) through `vsr upscale`, judged by ffprobe and ffmpeg's own filters (autorotation,
/// idet, psnr). Skipped with a visible message when the folder is absent (`make test` refuses to
/// start without ../shared).
final class RealMediaTests: TemporaryDirectoryTestCase {
    private func media(_ name: String) throws -> String { try Tools.shared("media/" + name) }

    private func upscale(_ input: String, to output: String, _ extra: [String] = []) throws -> CommandResult {
        let result = try Tools.vsr(["upscale", input, "-o", path(output), "--model", "bicubic", "--progress", "none"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result
    }

    private func decodedFrames(_ file: String) throws -> Int {
        let json = try Tools.ffprobe(file, ["-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames"])
        let stream = (json["streams"] as? [[String: Any]])?.first
        return Int(stream?["nb_read_frames"] as? String ?? "") ?? -1
    }

    /// The display matrix ffprobe reads from the video stream, or "" without one.
    private func displayMatrix(_ file: String) throws -> String {
        let json = try Tools.ffprobe(file, ["-select_streams", "v:0", "-show_entries", "stream_side_data=displaymatrix"])
        let stream = (json["streams"] as? [[String: Any]])?.first
        let sideData = stream?["side_data_list"] as? [[String: Any]] ?? []
        return sideData.compactMap { $0["displaymatrix"] as? String }.joined()
    }

    /// PSNR (average, dB) of `file` scaled to `size` against the first frames of `reference` as
    /// ffmpeg decodes it (with its autorotation).
    private func psnr(_ file: String, size: String, against reference: String, frames: Int, extra: String = "") throws -> Double {
        let result = try Tools.ffmpeg([
            "-v", "info", "-i", file, "-i", reference, "-lavfi",
            "[0:v]scale=\(size)\(extra)[a];[1:v]trim=end_frame=\(frames)[b];[a][b]psnr", "-f", "null", "-",
        ])
        let match = try XCTUnwrap(result.stderr.range(of: #"average:[0-9.]+"#, options: .regularExpression))
        return try XCTUnwrap(Double(result.stderr[match].dropFirst("average:".count)))
    }

    // MARK: Rotation

    func testRotationIsKeptInMP4AndFramesAreTurnedForY4M() throws {
        for (name, stored) in [("rotation-90-h264.mp4", "1280x720"), ("rotation-reflect-h264.mp4", "1080x720")] {
            let input = try media(name)
            let inputMatrix = try displayMatrix(input)
            XCTAssertFalse(inputMatrix.isEmpty, name)

            _ = try upscale(input, to: "kept.mp4", ["--frames", "5", "--encoder-preset", "ultrafast", "-y"])
            XCTAssertEqual(try displayMatrix(path("kept.mp4")), inputMatrix, "\(name): the display matrix is carried")
            let kept = try Probe(path("kept.mp4"))
            XCTAssertEqual("\(kept.videoInt("width") / 2)x\(kept.videoInt("height") / 2)", stored, "stored orientation kept")

            let turned = try upscale(input, to: "turned.y4m", ["--frames", "5", "-y"])
            XCTAssertTrue(turned.stderr.contains("frames turned as players show them"), turned.stderr)
            let parts = stored.split(separator: "x").map { String($0) }
            let shown = "\(parts[1])x\(parts[0])"
            // ffmpeg turns the input by its matrix; the right orientation matches closely, a mirror does not.
            let upright = try psnr(path("turned.y4m"), size: shown.replacingOccurrences(of: "x", with: ":"), against: input, frames: 5)
            let mirrored = try psnr(
                path("turned.y4m"), size: shown.replacingOccurrences(of: "x", with: ":"), against: input, frames: 5, extra: ",hflip")
            XCTAssertGreaterThan(upright, 40, name)
            XCTAssertLessThan(mirrored, 25, name)
        }
    }

    // MARK: Interlacing

    func testInterlacedInputIsDeinterlacedAndOffKeepsTheCombing() throws {
        let input = try media("interlaced-tff-mpeg2.mkv")
        let auto = try upscale(input, to: "auto.mkv", ["--frames", "40", "--encoder-preset", "ultrafast"])
        XCTAssertTrue(auto.stderr.contains("deinterlaced with bwdif"), auto.stderr)
        XCTAssertEqual(try Probe(path("auto.mkv")).videoString("field_order"), "progressive")
        _ = try upscale(input, to: "off.mkv", ["--frames", "40", "--encoder-preset", "ultrafast", "--deinterlace", "off"])

        // idet on the output scaled back to the input's size: combing shows as interlaced frames.
        func idet(_ file: String) throws -> (interlaced: Int, progressive: Int) {
            let result = try Tools.ffmpeg(["-v", "info", "-i", file, "-vf", "scale=720:480,idet", "-f", "null", "-"])
            let line = try XCTUnwrap(result.stderr.split(separator: "\n").first { $0.contains("Multi frame detection") })
            let numbers = line.split(separator: ":").dropFirst(2).compactMap { Int($0.split(separator: " ").first ?? "") }
            XCTAssertEqual(numbers.count, 4, String(line))
            return (numbers[0] + numbers[1], numbers[2])
        }
        let deinterlaced = try idet(path("auto.mkv")), combed = try idet(path("off.mkv"))
        XCTAssertEqual(deinterlaced.interlaced, 0, "auto: \(deinterlaced)")
        XCTAssertGreaterThan(deinterlaced.progressive, 35)
        XCTAssertGreaterThan(combed.interlaced, 35, "off: \(combed)")

        // One frame per field: twice the frames at twice the rate.
        _ = try upscale(input, to: "field.mkv", ["--frames", "40", "--encoder-preset", "ultrafast", "--deinterlace-rate", "field"])
        let times = try Probe(path("field.mkv")).framePresentationTimes().compactMap(Double.init)
        XCTAssertEqual(times.count, 40)
        XCTAssertEqual((times.last! - times.first!) / 39, 1001.0 / 60000, accuracy: 0.002)
    }

    func testInterlacedY4MThroughAPipeIsDeinterlacedToo() throws {
        let input = try media("interlaced-tff-mpeg2.mkv")
        let script = """
            ffmpeg -v error -i "\(input)" -frames:v 20 -f yuv4mpegpipe - | "\(Tools.vsr)" upscale - -o "\(path("pipe.mkv"))" \
            --model bicubic --progress none --encoder-preset ultrafast
            """
        let result = try Tools.run("/bin/bash", ["-o", "pipefail", "-c", script])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("stdin: deinterlaced with bwdif"), result.stderr)
        XCTAssertEqual(try Probe(path("pipe.mkv")).videoString("field_order"), "progressive")
    }

    func testSoftTelecineIsLeftAsItIs() throws {
        let input = try media("telecined-soft-mpeg2.mkv")
        let result = try upscale(input, to: "telecined.mkv", ["--frames", "48", "--encoder-preset", "ultrafast"])
        XCTAssertFalse(result.stderr.contains("deinterlaced"), result.stderr)
        let before = try Probe(input).framePresentationTimes().prefix(48)
        XCTAssertEqual(try Probe(path("telecined.mkv")).framePresentationTimes(), Array(before))
    }

    // MARK: Timestamps and counts

    func testAVIWithDropFramesIsWhole() throws {
        let input = try media("avi-drop-frames-mpeg4.avi")
        let result = try upscale(input, to: "avi.mkv", ["--encoder-preset", "ultrafast"])
        XCTAssertFalse(result.stderr.contains("truncated"), result.stderr)
        XCTAssertEqual(try decodedFrames(path("avi.mkv")), try decodedFrames(input))
    }

    func testLooseMatroskaDurationsAreNotDamage() throws {
        let input = try media("mkv-1ms-block-durations.mkv")
        let result = try upscale(input, to: "loose.mkv", ["--encoder-preset", "ultrafast"])
        XCTAssertFalse(result.stderr.contains("warning"), result.stderr)
        XCTAssertEqual(try Probe(path("loose.mkv")).framePresentationTimes(), try Probe(input).framePresentationTimes())
        let probe = try Tools.vsr(["probe", input, "--benchmark-seconds", "0"])
        XCTAssertTrue(probe.stdoutText.contains("frame rate: constant, 30.000 fps (30/1)"), probe.stdoutText)
    }

    func testEveryContainerHoldsEveryFrame() throws {
        let input = try media("h263-qcif.3gp")
        let expected = try decodedFrames(input)
        XCTAssertEqual(expected, 15)
        for ext in ["mp4", "mkv", "mov", "webm", "ts", "avi", "ogv", "3gp", "gif", "y4m"] {
            let result = try upscale(input, to: "out.\(ext)")
            XCTAssertTrue(result.stderr.contains("upscaled \(expected) frames"), result.stderr)
            XCTAssertEqual(try decodedFrames(path("out.\(ext)")), expected, ext)
        }
        let pictures = try upscale(input, to: "pic_%03d.png")
        XCTAssertTrue(pictures.stderr.contains("upscaled \(expected) frames"), pictures.stderr)
        XCTAssertEqual(try listing().filter { $0.hasPrefix("pic_") }.count, expected)
        XCTAssertEqual(try decodedFrames(path("pic_%03d.png")), expected, "png sequence")
    }

    // MARK: Streams

    func testMatroskaAttachmentsAndVideoTagsAreKept() throws {
        let input = try media("srt-subtitles.mkv")
        let font = path("font.ttf"), tagged = path("tagged.mkv")
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: font))
        try Tools.ffmpeg([
            "-i", input, "-attach", font, "-metadata:s:t", "mimetype=application/x-truetype-font",
            "-metadata:s:v:0", "language=fra", "-metadata:s:v:0", "title=Main view", "-c", "copy", tagged,
        ])
        let result = try upscale(tagged, to: "out.mkv", ["--frames", "5", "--encoder-preset", "ultrafast"])
        XCTAssertFalse(result.stderr.contains("dropped"), result.stderr)
        let out = try Probe(path("out.mkv"))
        XCTAssertEqual(out.streams.map { $0["codec_type"] as? String ?? "" }, ["video", "audio", "subtitle", "attachment"])
        let tags = out.video["tags"] as? [String: String] ?? [:]
        XCTAssertEqual(tags["language"], "fra")
        XCTAssertEqual(tags["title"], "Main view")

        // MPEG-TS: libx264 by default; AC-3 copied; a subtitle it would hide as private data is dropped, and said so.
        let ts = try upscale(tagged, to: "out.ts", ["--frames", "5", "--encoder-preset", "ultrafast"])
        XCTAssertTrue(ts.stderr.contains("dropped subtitle stream #2 (subrip): the mpegts container cannot hold it"), ts.stderr)
        let tsProbe = try Probe(path("out.ts"))
        XCTAssertEqual(tsProbe.streams.map { $0["codec_name"] as? String ?? "" }, ["h264", "ac3"])
    }

    func testTextSubtitlesBecomeMovTextInMP4() throws {
        // (webvtt-subtitles.mkv's S_TEXT/WEBVTT track is codec "none" to FFmpeg 5.1's Matroska demuxer.)
        for name in ["srt-subtitles.mkv"] {
            let input = try media(name)
            let result = try upscale(input, to: "subs.mp4", ["--frames", "3", "--encoder-preset", "ultrafast", "-y"])
            XCTAssertTrue(result.stderr.contains("to mov_text: the mp4 container cannot hold"), result.stderr)
            XCTAssertFalse(result.stderr.contains("dropped subtitle"), result.stderr)
            let before = try Probe(input), after = try Probe(path("subs.mp4"))
            XCTAssertEqual(after.streams(ofType: "subtitle").map { $0["codec_name"] as? String ?? "" }, ["mov_text"], name)
            // Every cue, at its time.
            let times = { (probe: Probe) in
                try probe.packetDigests("s").map { $0.split(separator: " ")[0] }
            }
            XCTAssertEqual(try times(after), try times(before), name)
            XCTAssertFalse(try times(after).isEmpty)
        }
    }

    func testAStreamOfUnknownCodecIsDroppedForThatReason() throws {
        // FFmpeg 5.1's Matroska demuxer reads S_TEXT/WEBVTT as codec "none", which no muxer writes,
        // not even Matroska's own (ffmpeg -c copy fails on it): the warning must say that, not blame
        // the container, and the run goes on with the other streams.
        let input = try media("webvtt-subtitles.mkv")
        let result = try upscale(input, to: "vtt.mkv", ["--frames", "3", "--encoder-preset", "ultrafast"])
        XCTAssertTrue(
            result.stderr.contains("dropped subtitle stream #2: its codec is unknown to FFmpeg 5.1, and no container can take"),
            result.stderr)
        XCTAssertFalse(result.stderr.contains("container cannot hold"), result.stderr)
        let out = try Probe(path("vtt.mkv"))
        XCTAssertEqual(out.streams.map { $0["codec_name"] as? String ?? "" }, ["h264", "ac3"])
    }

    // MARK: HDR, captions, what cannot be kept

    func testHDR10MetadataIsCarriedAndPQGetsHEVCMain10() throws {
        let input = try media("hdr10-mdcv-clli-av1.mp4")
        _ = try upscale(input, to: "hdr.mp4", ["--frames", "3", "--encoder-preset", "ultrafast"])
        let out = try Probe(path("hdr.mp4"))
        XCTAssertEqual(out.videoString("codec_name"), "hevc")
        XCTAssertEqual(out.videoString("codec_tag_string"), "hvc1")
        XCTAssertEqual(out.videoString("pix_fmt"), "yuv420p10le")
        XCTAssertEqual(out.videoString("color_transfer"), "smpte2084")
        func sideData(_ file: String) throws -> [[String: String]] {
            let json = try Tools.ffprobe(file, ["-select_streams", "v:0", "-show_entries", "stream_side_data"])
            let list = ((json["streams"] as? [[String: Any]])?.first?["side_data_list"] as? [[String: Any]]) ?? []
            return list.map { $0.mapValues { "\($0)" } }
        }
        XCTAssertEqual(try sideData(path("hdr.mp4")), try sideData(input))
        XCTAssertEqual(try sideData(input).count, 2)
        // x265 wrote the SEI messages too: ffprobe finds them on the decoded frames.
        let frames = try Tools.ffprobe(
            path("hdr.mp4"), ["-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries", "frame_side_data=side_data_type"])
        let types = ((frames["frames"] as? [[String: Any]])?.first?["side_data_list"] as? [[String: Any]] ?? []).compactMap {
            $0["side_data_type"] as? String
        }
        XCTAssertTrue(types.contains("Mastering display metadata"), "\(types)")
        XCTAssertTrue(types.contains("Content light level metadata"), "\(types)")
    }

    func testClosedCaptionsAreCarriedByX264AndOtherwiseSaidToBeDropped() throws {
        let input = try media("cea608-captions-h264.ts")
        func captionFrames(_ file: String) throws -> Int {
            let json = try Tools.ffprobe(file, ["-select_streams", "v:0", "-show_entries", "frame_side_data=side_data_type"])
            return (json["frames"] as? [[String: Any]] ?? []).filter { frame in
                (frame["side_data_list"] as? [[String: Any]] ?? []).contains { ($0["side_data_type"] as? String)?.contains("A53") == true }
            }.count
        }
        let result = try upscale(input, to: "cc.mp4", ["--encoder-preset", "ultrafast"])
        XCTAssertFalse(result.stderr.contains("closed captions"), result.stderr)
        let inputFrames = try captionFrames(input)
        XCTAssertGreaterThan(inputFrames, 0)
        XCTAssertEqual(try captionFrames(path("cc.mp4")), inputFrames)
        let vp9 = try upscale(input, to: "cc.webm", ["--frames", "5"])
        XCTAssertTrue(vp9.stderr.contains("the closed captions (A53) of 1 frame(s) are dropped: encoder libvpx-vp9"), vp9.stderr)
    }

    func testTwelveBitIsKeptWhereTheEncoderCanAndOtherwiseSaidToBeLost() throws {
        let twelve = path("twelve.mkv")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-frames:v", "3", "-pix_fmt", "yuv420p12le", "-c:v", "ffv1", twelve,
        ])
        for codec in ["ffv1", "libx265"] {
            let result = try upscale(twelve, to: "\(codec).mkv", ["--codec", codec])
            XCTAssertFalse(result.stderr.contains("bits"), result.stderr)
            XCTAssertFalse(result.stderr.contains("x265 [info]"), "x265's own log is quiet: \(result.stderr)")
            XCTAssertEqual(try Probe(path("\(codec).mkv")).videoString("pix_fmt"), "yuv420p12le", codec)
        }
        let x264 = try upscale(twelve, to: "x264.mkv")
        XCTAssertTrue(x264.stderr.contains("12-bit video is written at 10 bits: encoder libx264"), x264.stderr)
        XCTAssertEqual(try Probe(path("x264.mkv")).videoString("pix_fmt"), "yuv420p10le")
        // Through a y4m pipe too (C420p12), as ffmpeg writes it.
        let script = """
            ffmpeg -v error -i "\(twelve)" -f yuv4mpegpipe -strict -1 - | "\(Tools.vsr)" upscale - -o "\(path("pipe.mkv"))" \
            --model bicubic --progress none --codec ffv1
            """
        let piped = try Tools.run("/bin/bash", ["-o", "pipefail", "-c", script])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(try Probe(path("pipe.mkv")).videoString("pix_fmt"), "yuv420p12le")
    }

    func testAlphaIsUpscaledAndKeptWhereTheOutputHoldsIt() throws {
        let input = try media("image-rgba-304x84.png")
        // The alpha plane of each output, scaled back to the input's size by ffmpeg, against the input's.
        func alphaPSNR(_ file: String, decoder: [String] = []) throws -> Double {
            let result = try Tools.ffmpeg(
                ["-v", "info"] + decoder + [
                    "-i", file, "-i", input, "-lavfi", "[0:v]alphaextract,scale=304:84[a];[1:v]alphaextract[b];[a][b]psnr", "-f",
                    "null", "-",
                ])
            let match = try XCTUnwrap(result.stderr.range(of: #"average:[0-9.]+"#, options: .regularExpression))
            return try XCTUnwrap(Double(result.stderr[match].dropFirst("average:".count)))
        }
        for (output, extra, decoder) in [
            ("alpha.png", [String](), [String]()), ("alpha.mkv", ["--codec", "ffv1"], []),
            ("alpha.webm", [], ["-c:v", "libvpx-vp9"]), ("alpha.mov", ["--codec", "prores_ks"], []),
        ] {
            let result = try upscale(input, to: output, extra)
            XCTAssertFalse(result.stderr.contains("alpha (transparency)"), "\(output): \(result.stderr)")
            XCTAssertGreaterThan(try alphaPSNR(path(output), decoder: decoder), 35, output)
        }
        // A flat alpha of 255 would score about 9 dB here: the check can fail.
        let dropped = try upscale(input, to: "opaque.mp4", ["--pix-fmt", "yuv444p"])
        XCTAssertTrue(dropped.stderr.contains("the alpha (transparency) plane is dropped: encoder libx264"), dropped.stderr)
        let y4m = try upscale(input, to: "alpha.y4m")
        XCTAssertFalse(y4m.stderr.contains("alpha (transparency)"), y4m.stderr)
        XCTAssertTrue(
            try String(decoding: Data(contentsOf: URL(fileURLWithPath: path("alpha.y4m"))).prefix(80), as: UTF8.self).contains("C444alpha"))
        let rgb = try upscale(try media("image-rgb-451x300.png"), to: "rgb.mkv", ["--codec", "ffv1"])
        XCTAssertFalse(rgb.stderr.contains("alpha (transparency)"), rgb.stderr)
        XCTAssertEqual(try Probe(path("rgb.mkv")).videoString("pix_fmt"), "yuv444p")
    }

    func testAudioTheContainerCannotHoldIsReencoded() throws {
        let input = try media("srt-subtitles.mkv")  // AC-3, which WebM cannot hold
        let result = try upscale(input, to: "opus.webm", ["--no-subtitles"])
        XCTAssertTrue(result.stderr.contains("re-encoded audio stream #1 from ac3 to libopus"), result.stderr)
        let out = try Probe(path("opus.webm")), before = try Probe(input)
        let audio = try XCTUnwrap(out.streams(ofType: "audio").first)
        XCTAssertEqual(audio["codec_name"] as? String, "opus")
        func audioSeconds(_ file: String) throws -> Double {
            let json = try Tools.ffprobe(file, ["-select_streams", "a:0", "-show_entries", "packet=pts_time,duration_time"])
            let packets = json["packets"] as? [[String: Any]] ?? []
            let ends = packets.compactMap { p -> Double? in
                guard let start = Double(p["pts_time"] as? String ?? ""), let length = Double(p["duration_time"] as? String ?? "") else {
                    return nil
                }
                return start + length
            }
            return ends.max() ?? -1
        }
        // The same length of sound, to within one Opus frame (20 ms) and the pre-skip.
        XCTAssertEqual(try audioSeconds(path("opus.webm")), try audioSeconds(input), accuracy: 0.05)
        XCTAssertEqual(before.streams(ofType: "audio").count, 1)

        let copyOnly = try upscale(input, to: "copy.webm", ["--no-subtitles", "--audio-codec", "copy"])
        XCTAssertTrue(copyOnly.stderr.contains("dropped audio stream #1 (ac3): the webm container cannot hold it"), copyOnly.stderr)
        let chosen = try upscale(input, to: "aac.mkv", ["--no-subtitles", "--audio-codec", "aac", "--frames", "3"])
        XCTAssertTrue(chosen.stderr.contains("re-encoded audio stream #1 from ac3 to aac (--audio-codec)"), chosen.stderr)
        XCTAssertEqual(try Probe(path("aac.mkv")).streams(ofType: "audio").first?["codec_name"] as? String, "aac")
        let unknown = try Tools.vsr(["upscale", input, "-o", path("x.mkv"), "--model", "bicubic", "--audio-codec", "nosuch"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("unknown audio encoder 'nosuch'"), unknown.stderr)
    }

    func testPhoneMetadataIsKeptInMP4() throws {
        let tagged = path("phone.mp4")
        try Tools.ffmpeg([
            "-i", Tools.sample("testsrc2-320x180-h264-aac.mp4"), "-t", "0.5", "-c", "copy", "-movflags", "use_metadata_tags",
            "-metadata", "com.apple.quicktime.location.ISO6709=+48.8577+002.2950/", "-metadata", "com.android.capture.fps=30.0",
            "-metadata", "title=Trip", tagged,
        ])
        for output in ["out.mp4", "out.mov", "out.mkv"] {
            _ = try upscale(tagged, to: output, ["--encoder-preset", "ultrafast"])
            let tags = (try Probe(path(output)).json["format"] as? [String: Any])?["tags"] as? [String: String] ?? [:]
            let lowercased = Dictionary(uniqueKeysWithValues: tags.map { ($0.key.lowercased(), $0.value) })
            XCTAssertEqual(lowercased["com.apple.quicktime.location.iso6709"], "+48.8577+002.2950/", output)
            XCTAssertEqual(lowercased["com.android.capture.fps"], "30.0", output)
            XCTAssertEqual(lowercased["title"], "Trip", output)
        }
    }

    func testTimecodeAndDataTracksAreKept() throws {
        let tagged = path("timecode.mov")
        try Tools.ffmpeg([
            "-i", Tools.sample("testsrc2-320x180-h264-aac.mp4"), "-t", "0.5", "-c", "copy", "-timecode", "01:00:00:00", tagged,
        ])
        for output in ["out.mov", "out.mp4"] {
            let result = try upscale(tagged, to: output, ["--encoder-preset", "ultrafast"])
            XCTAssertFalse(result.stderr.contains("dropped"), result.stderr)
            let data = try Probe(path(output)).streams(ofType: "data")
            XCTAssertEqual(data.map { $0["codec_tag_string"] as? String ?? "" }, ["tmcd"], output)
            XCTAssertEqual((data.first?["tags"] as? [String: String])?["timecode"], "01:00:00:00", output)
        }
        let mkv = try upscale(tagged, to: "out.mkv", ["--encoder-preset", "ultrafast"])
        XCTAssertTrue(mkv.stderr.contains("kept as the video's timecode tag: the matroska container has no timecode tracks"), mkv.stderr)
        XCTAssertEqual((try Probe(path("out.mkv")).video["tags"] as? [String: String])?["TIMECODE"], "01:00:00:00")

        // mp4 to mp4 keeps a data track (chapters-h264.mp4 has one).
        let chapters = try media("chapters-h264.mp4")
        let copied = try upscale(chapters, to: "data.mp4", ["--frames", "5", "--encoder-preset", "ultrafast"])
        XCTAssertFalse(copied.stderr.contains("dropped"), copied.stderr)
        XCTAssertEqual(try Probe(path("data.mp4")).streams(ofType: "data").count, try Probe(chapters).streams(ofType: "data").count)
    }

    func testEditListsAndVP9KeepEveryTimestamp() throws {
        // An edit list that starts the video at 1.0 s: exact in mp4/mov (Matroska outputs shift by
        // the AAC priming, a known limitation of FFmpeg 5.1's Matroska muxer).
        let edited = try media("edit-list-shift-h264.mp4")
        let editedTimes = try Probe(edited).framePresentationTimes()
        XCTAssertEqual(editedTimes.first, "1.000000")
        for output in ["edited.mp4", "edited.mov"] {
            _ = try upscale(edited, to: output, ["--encoder-preset", "ultrafast"])
            XCTAssertEqual(try Probe(path(output)).framePresentationTimes(), editedTimes, output)
        }
        for name in ["vp9-320x240.webm", "vp9-odd-161x121.webm"] {
            let input = try media(name)
            let times = try Probe(input).framePresentationTimes()
            for output in ["vp9.webm", "vp9.mp4", "vp9.mkv"] {
                _ = try upscale(input, to: output, ["--encoder-preset", "ultrafast", "-y"])
                XCTAssertEqual(try Probe(path(output)).framePresentationTimes(), times, "\(name) -> \(output)")
            }
        }
    }

    func testPlaybackContainersGet420AndArchivesKeepTheLayout() throws {
        let gif = path("anim.gif")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-frames:v", "5", gif])
        let played = try upscale(gif, to: "gif.mp4")
        XCTAssertTrue(played.stderr.contains("is encoded as yuv420p, which browsers and phones play"), played.stderr)
        let mp4 = try Probe(path("gif.mp4"))
        XCTAssertEqual(mp4.videoString("pix_fmt"), "yuv420p")
        XCTAssertEqual(mp4.videoString("profile"), "High")
        XCTAssertEqual(try decodedFrames(path("gif.mp4")), 5)

        let photo = try media("image-rgb-451x300.png")
        _ = try upscale(photo, to: "photo.mkv", ["--encoder-preset", "ultrafast"])
        XCTAssertEqual(try Probe(path("photo.mkv")).videoString("pix_fmt"), "yuv444p", "archives keep 4:4:4")
        _ = try upscale(photo, to: "kept.mp4", ["--encoder-preset", "ultrafast", "--pix-fmt", "yuv444p"])
        XCTAssertEqual(try Probe(path("kept.mp4")).videoString("pix_fmt"), "yuv444p", "--pix-fmt wins")
        // A PNG in gives a PNG out of exactly twice the size.
        _ = try upscale(photo, to: "photo.png")
        let png = try Probe(path("photo.png"))
        XCTAssertEqual(png.videoString("codec_name"), "png")
        XCTAssertEqual([png.videoInt("width"), png.videoInt("height")], [902, 600])
    }

    func testGIFOutputHasAPaletteFromItsFramesAndKeepsTheDelays() throws {
        let grey = path("grey.gif")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10,format=gray", "-frames:v", "5", grey])
        // Pixels whose red, green and blue differ, as ffmpeg decodes the file.
        func colouredPixels(_ file: String) throws -> Int {
            let rgb = [UInt8](try Tools.ffmpeg(["-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).stdout)
            var coloured = 0
            for pixel in stride(from: 0, to: rgb.count - 2, by: 3) {
                let (r, g, b) = (rgb[pixel], rgb[pixel + 1], rgb[pixel + 2])
                if r != g || g != b { coloured += 1 }
            }
            return coloured
        }
        XCTAssertEqual(try colouredPixels(grey), 0)
        let result = try upscale(grey, to: "grey-out.gif")
        XCTAssertTrue(result.stderr.contains("gif pal8"), result.stderr)
        XCTAssertEqual(try colouredPixels(path("grey-out.gif")), 0, "a greyscale GIF stays grey")
        XCTAssertEqual(try Probe(path("grey-out.gif")).framePresentationTimes(), try Probe(grey).framePresentationTimes())
        // The loop count, as the NETSCAPE2.0 extension states it (none: play once).
        func loopCount(_ file: String) throws -> Int? {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            let marker = Array("NETSCAPE2.0".utf8)
            guard let start = (0..<(bytes.count - marker.count - 4)).first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker })
            else { return nil }
            return Int(bytes[start + 13]) | Int(bytes[start + 14]) << 8
        }
        for loop in ["3", "-1"] {
            let input = path("loop\(loop).gif")
            try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=32x24:rate=10", "-frames:v", "3", "-loop", loop, input])
            _ = try upscale(input, to: "loop\(loop)-out.gif")
            XCTAssertEqual(try loopCount(path("loop\(loop)-out.gif")), try loopCount(input), "loop \(loop)")
        }
        XCTAssertEqual(try loopCount(path("loop3-out.gif")), 3)
        XCTAssertNil(try loopCount(path("loop-1-out.gif")))
        // The fixed 3-3-2 colour cube tints greys: the check above can fail.
        _ = try upscale(grey, to: "cube.gif", ["--pix-fmt", "bgr8"])
        XCTAssertGreaterThan(try colouredPixels(path("cube.gif")), 1000)
    }
}
