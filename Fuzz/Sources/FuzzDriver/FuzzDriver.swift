/// libFuzzer's entry point for programs that have their own `main` (SwiftPM links every executable
/// target with one): it parses libFuzzer's flags from the command line and calls the test per input.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_silgen_name("exit")
private func exit(_ status: CInt) -> Never

public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer with this process's arguments; `test` gets each input's bytes and must return 0.
public func runFuzzer(_ test: FuzzTest) -> Never {
    registeredTest = test
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}

nonisolated(unsafe) private var registeredTest: FuzzTest?

/// The runtime's archive also carries libFuzzer's own `main`, which names this symbol; the program's
/// `main` (runFuzzer) is the one that runs, so this only forwards to the registered test.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let registeredTest else { fatalError("runFuzzer was not called") }
    return registeredTest(bytes, count)
}
