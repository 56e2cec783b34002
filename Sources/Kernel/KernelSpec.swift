// The kernelspec Jupyter finds the kernel by: a folder `seek/` holding kernel.json (how to start
// the kernel) and a logo, under the user's or the system's Jupyter data folder.
import Foundation

/// Writing the `seek` kernelspec.
public enum KernelSpec {
    /// The kernel.json for a kernel started as `executable kernel -f {connection_file}`.
    public static func json(executable: String) throws -> Data {
        let spec: [String: Any] = [
            "argv": [executable, "kernel", "-f", "{connection_file}"],
            "display_name": "Seek (microseek)",
            "language": "seek",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        return try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])
    }

    /// The folder kernelspecs go in: `~/.local/share/jupyter/kernels` for the user (or
    /// `$JUPYTER_DATA_DIR/kernels`), else `<prefix>/share/jupyter/kernels`.
    public static func kernelsFolder(user: Bool, prefix: String?) -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let prefix { return URL(fileURLWithPath: prefix).appendingPathComponent("share/jupyter/kernels") }
        if user {
            if let data = environment["JUPYTER_DATA_DIR"] { return URL(fileURLWithPath: data).appendingPathComponent("kernels") }
            return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/jupyter/kernels")
        }
        return URL(fileURLWithPath: "/usr/local/share/jupyter/kernels")
    }

    /// Writes `seek/kernel.json` and `seek/logo-64x64.png` under `folder`; returns the spec folder.
    @discardableResult
    public static func install(executable: String, into folder: URL, logo: [UInt8]?) throws -> URL {
        let spec = folder.appendingPathComponent("seek")
        do {
            try FileManager.default.createDirectory(at: spec, withIntermediateDirectories: true)
            try json(executable: executable).write(to: spec.appendingPathComponent("kernel.json"))
            if let logo { try Data(logo).write(to: spec.appendingPathComponent("logo-64x64.png")) }
        } catch {
            throw KernelError("cannot write the kernelspec in \(spec.path): \(error.localizedDescription)")
        }
        return spec
    }
}
