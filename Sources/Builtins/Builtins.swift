// The entry point: installs every native of microseek into an interpreter, the way Lua's
// linit.c opens its libraries: this file is the install list and nothing else. The Script core
// knows none of these names; each area lives in its own folder (Tensors/, Models/, Charts/,
// Training/, Experts/, …) as XBuiltins.swift + XObjects.swift, shared pieces in Support/.

import Script

// MARK: - Install

/// Installs microseek's natives: tensors, models, optimizers, gradient checks and charts.
public enum Builtins {
    /// Defines every builtin in `interpreter`. Installs `StandardLibrary` first unless
    /// `settings.installStandardLibrary` is false (installing it twice is harmless: the second
    /// install rebinds the same names). Returns the shared context, which other installers
    /// (the MoE builtins) use for the default generator and warnings.
    @discardableResult
    public static func install(into interpreter: Interpreter,
                               settings: BuiltinSettings = BuiltinSettings()) -> BuiltinContext {
        if settings.installStandardLibrary { StandardLibrary.install(into: interpreter) }
        let context = BuiltinContext(interpreter: interpreter, settings: settings)
        interpreter.define("out_dir", .string(settings.outputDirectory))
        // Tensors/
        TensorBuiltins.install(context)
        GradientBuiltins.install(context)
        // Models/
        ModelBuiltins.install(context)
        OptimizerBuiltins.install(context)
        // Charts/
        ChartBuiltins.install(context)
        // Training/ and the ideas
        TrainingBuiltins.install(context)
        ExpertBuiltins.install(context)
        DistillationBuiltins.install(context)
        RewardsBuiltins.install(context)
        MicroGPTBuiltins.install(context)
        // Interop/
        InteropBuiltins.install(context)
        return context
    }
}
