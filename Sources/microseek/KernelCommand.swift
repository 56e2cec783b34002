import ArgumentParser
import Builtins
import Foundation
import Kernel
import REPL
import Script

// MARK: - microseek kernel install | kernel -f FILE

extension Microseek {
    /// The Jupyter kernel: `kernel install` writes the kernelspec, `kernel -f FILE` serves a connection.
    struct KernelCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kernel",
            abstract: "Jupyter: install the Seek kernelspec, or run the kernel for a connection file.",
            subcommands: [Serve.self, Install.self],
            defaultSubcommand: Serve.self
        )

        struct Serve: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "serve", abstract: "Run the kernel for Jupyter (it starts it as `microseek kernel -f FILE`).")

            @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "file"))
            var connectionFile: String

            @OptionGroup var seedOption: SeedOption

            func run() throws {
                do {
                    let connection = try ConnectionInfo.read(from: connectionFile)
                    let session = JupyterSession(seed: seedOption.seed)
                    InterruptSignal.install(onInterrupt: { [flag = session.interruptFlag] in flag.request() })
                    let kernel = try JupyterKernel(
                        connection: connection,
                        identity: .init(implementation: "microseek", version: Microseek.version,
                                        languageVersion: Microseek.version,
                                        banner: "microseek \(Microseek.version): Seek, for the ideas behind DeepSeek-V3/R1"),
                        session: session, log: { printError($0) })
                    kernel.run()
                } catch let error as KernelError {
                    printError("microseek kernel: \(error)")
                    throw ExitCode(ExitCodes.usage)
                }
            }
        }

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the `seek` kernelspec so Jupyter, nbconvert and VS Code can start this kernel.")

            @Flag(help: "Install for this user (~/.local/share/jupyter/kernels, or $JUPYTER_DATA_DIR).")
            var user = false

            @Option(help: "Install under PREFIX/share/jupyter/kernels (e.g. a virtual environment).")
            var prefix: String?

            func run() throws {
                let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
                let resolved = executable.hasPrefix("/") ? executable
                    : FileManager.default.currentDirectoryPath + "/" + executable
                let folder = KernelSpec.kernelsFolder(user: user, prefix: prefix)
                do {
                    let spec = try KernelSpec.install(executable: resolved, into: folder, logo: JupyterSession.logo())
                    print("installed the seek kernelspec in \(spec.path)")
                } catch let error as KernelError {
                    printError("microseek kernel install: \(error)")
                    throw ExitCode(ExitCodes.runtimeError)
                }
            }
        }
    }
}
