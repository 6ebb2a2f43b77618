import Dispatch
import Foundation

/// SIGTERM and SIGINT — what Slurm, Kubernetes and a terminal send before SIGKILL — turned into a
/// flag that long runs check between units of work (a shard, a sample, a VQ batch, a pack group):
/// the run then stops starting work, lets writers drop their temporary files and throws
/// `Interrupted`, and the command exits 128 + the signal (143, 130). Finished shards stay published,
/// so a re-run completes to the bytes of an uninterrupted run. Runs are handed the flag as a value;
/// only `watchSignals()` touches the process's signal dispositions.
public final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// A flag set by SIGTERM or SIGINT from now on (the signals no longer kill the process). Also
    /// ignores SIGXFSZ, so that a file-size limit (a quota) fails the write with EFBIG and a clear
    /// error instead of killing the process.
    public static func watchSignals() -> Interruption {
        Glibc.signal(SIGXFSZ, SIG_IGN)
        let flag = Interruption()
        for number in [SIGTERM, SIGINT] {
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak flag] in
                flag?.interrupt(by: number)
                StandardError.write("\nsignal=\(number == SIGTERM ? "SIGTERM" : "SIGINT") stopping: finishing no more work, removing temporary files\n")
            }
            source.resume()
            flag.sources.append(source)
        }
        return flag
    }

    /// Sets the flag as `number` would (tests, and the signal handler).
    public func interrupt(by number: Int32) { lock.withLock { if received == nil { received = number } } }

    /// The signal received, nil while none.
    public var signal: Int32? { lock.withLock { received } }

    /// Throws `Interrupted` once a signal was received.
    public func check() throws(Interrupted) {
        if let signal { throw Interrupted(signal: signal) }
    }
}

/// A run stopped by SIGTERM or SIGINT; `exitStatus` is the shell's 128 + signal.
public struct Interrupted: Error, Equatable, CustomStringConvertible {
    public var signal: Int32
    public init(signal: Int32) { self.signal = signal }
    public var exitStatus: Int32 { 128 + signal }
    public var description: String { "interrupted by \(signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)")" }
}
