// swift-tools-version:6.0
// microseek: a notebook-style REPL and visualizer for the ideas behind DeepSeek-V3/R1.
// Layout and import direction: see DESIGN.md (shared) and each module's README.
import PackageDescription

/// The numeric, training and interpreter modules are optimised in debug builds too: the test suite
/// checks every lesson, each of which trains models for seconds, and at -Onone those runs are about
/// ten times slower (lesson 05: 33 s of CPU in release, 5 min in a plain debug build).
/// Release builds of `microseek` link the Swift runtime and Foundation in rather than loading
/// them: their dynamic relocations were a third of `microseek -e '1+1'` (a Foundation hello world
/// takes 15.7 ms of CPU linked dynamically, 4.9 ms statically). `-static-stdlib` alone leaves out
/// the archives Foundation's own archives need, so they are named, as one group (they refer to
/// each other). Tests and debug builds link dynamically.
let staticSwiftRuntime: [LinkerSetting] = [.unsafeFlags(
    ["-static-stdlib", "-Xlinker", "--start-group"]
    + ["FoundationInternationalization", "FoundationEssentials", "Foundation", "CoreFoundation", "_FoundationICU",
       "_FoundationCShims", "_FoundationCollections", "stdc++"].flatMap { ["-Xlinker", "-l" + $0] }
    + ["-Xlinker", "--end-group"],
    .when(configuration: .release))]
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "microseek",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "microseek", targets: ["microseek"]),
        .executable(name: "microseek-bench", targets: ["microseek-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        // HMAC-SHA256 signing of Jupyter messages (the Kernel module).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - System libraries (shims only: module.modulemap + shim.h)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // No pkgConfig for libgd: its .pc file adds -DAVIF_DLL, which SwiftPM rejects with a
        // "prohibited flag" warning on every build; gd.h is in /usr/include. CGD and CZMQ give types
        // only: PlotPNG/LibGD.swift and Kernel/LibZMQ.swift dlopen the libraries on first use.
        .systemLibrary(name: "CGD", providers: [.apt(["libgd-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),

        // MARK: - Numeric core and the three ideas
        // CKernels: the step's hot loops in C, each built for the baseline and for AVX2 + FMA
        // (chosen at run time); optimised in debug builds too, as the Swift numeric modules.
        .target(name: "CKernels", exclude: ["README.md"],
                cSettings: [.unsafeFlags(["-O3", "-ffp-contract=fast", "-fno-math-errno", "-Wno-psabi"])]),
        .target(name: "Autograd", dependencies: ["CBLAS", "CKernels"], exclude: ["README.md"], swiftSettings: optimisedInDebug),
        .target(name: "NeuralNets", dependencies: ["Autograd", "CKernels"], exclude: ["README.md"], swiftSettings: optimisedInDebug),
        .target(name: "Toys", dependencies: ["NeuralNets", "Autograd"], exclude: ["README.md"], swiftSettings: optimisedInDebug),
        .target(name: "Interop", dependencies: ["NeuralNets", "Autograd"], exclude: ["README.md"]),

        // MARK: - Charts
        .target(name: "Plotting", exclude: ["README.md"], swiftSettings: optimisedInDebug),
        .target(name: "PlotPNG", dependencies: ["Plotting", "CGD"], exclude: ["README.md"], swiftSettings: optimisedInDebug),

        // MARK: - Language, notebooks, REPL
        // Script: no run-time exclusivity checks (a tenth of the time of list, dict and cell access).
        .target(name: "Script", exclude: ["README.md"],
                swiftSettings: optimisedInDebug + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "Builtins",
                dependencies: ["Script", "Toys", "NeuralNets", "Autograd", "Plotting", "PlotPNG", "Interop"],
                exclude: ["README.md"]),
        .target(name: "Notebook", dependencies: [.product(name: "Ink", package: "Ink")],
                exclude: ["README.md"]),
        .target(name: "REPL", dependencies: ["Script", "CEditLine"], exclude: ["README.md"]),
        .target(name: "Kernel", dependencies: ["CZMQ", .product(name: "Crypto", package: "swift-crypto")],
                exclude: ["README.md"]),

        // MARK: - Executables (composition roots)
        .executableTarget(name: "microseek",
                          dependencies: ["REPL", "Notebook", "Builtins", "Script", "Autograd", "Kernel",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          exclude: ["README.md"],
                          linkerSettings: staticSwiftRuntime),
        // Linked as `microseek` is, so the bench times the code as shipped (the dynamic runtime
        // reaches every retain and release through the PLT).
        .executableTarget(name: "microseek-bench",
                          dependencies: ["Autograd", "NeuralNets", "Toys", "Plotting", "PlotPNG", "Script"],
                          exclude: ["README.md", "teaching_plots.py", "interp"],
                          linkerSettings: staticSwiftRuntime),

        // MARK: - Tests (one target per module, plus shared helpers)
        .target(name: "TestSupport", dependencies: ["Autograd"], path: "Tests/TestSupport"),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "TestSupport"]),
        .testTarget(name: "NeuralNetsTests", dependencies: ["NeuralNets", "Autograd", "TestSupport"]),
        .testTarget(name: "ToysTests", dependencies: ["Toys", "NeuralNets", "Autograd", "TestSupport"]),
        .testTarget(name: "KernelTests", dependencies: ["Kernel"], exclude: ["jupyter_client_test.py", "nbconvert_lessons_test.py"]),
        .testTarget(name: "InteropTests", dependencies: ["Interop", "NeuralNets", "Autograd", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "TestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "PlotPNGTests", dependencies: ["PlotPNG", "Plotting"]),
        .testTarget(name: "ScriptTests", dependencies: ["Script", "TestSupport"], exclude: ["LanguageTests"]),
        .testTarget(name: "BuiltinsTests", dependencies: ["Builtins", "Script", "Autograd", "TestSupport"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Script", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "Script"]),
        .testTarget(name: "microseekTests", dependencies: ["microseek", "TestSupport"]),
    ]
)
