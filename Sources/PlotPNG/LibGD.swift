import CGD
import Foundation
import Plotting

// libgd is opened with dlopen the first time a chart is drawn, not linked into the binary.
// Linked, it and the ~50 libraries it pulls in (FreeType, fontconfig, every image codec down to
// AV1 encoders) were mapped and relocated at the start of every process: about 19 ms of CPU in a
// 50 ms `microseek -e '1+1'`, though most runs never draw a PNG. CGD's module map therefore gives
// only gd.h's types; the functions come from here, their C signatures (gd.h 2.3) written out.

/// The libgd functions PlotPNG calls, found with dlsym.
struct LibGD: @unchecked Sendable {
    typealias Image = gdImagePtr
    typealias Size = UnsafeMutablePointer<Int32>
    typealias Buffer = UnsafeMutableRawPointer

    /// (sx, sy)
    let imageCreateTrueColor: @convention(c) (Int32, Int32) -> Image?
    /// (size, data)
    let imageCreateFromPngPtr: @convention(c) (Int32, Buffer?) -> Image?
    let imageDestroy: @convention(c) (Image?) -> Void
    let imageAlphaBlending: @convention(c) (Image?, Int32) -> Void
    let imageSaveAlpha: @convention(c) (Image?, Int32) -> Void
    /// (im, x, y) → 0xAARRGGBB
    let imageGetTrueColorPixel: @convention(c) (Image?, Int32, Int32) -> Int32
    /// (im, brect, fg, fontlist, ptsize, angle, x, y, string, extra) → error text, nil on success.
    let imageStringFTEx: @convention(c) (Image?, Size?, Int32, UnsafePointer<CChar>?, Double, Double, Int32, Int32,
                                         UnsafePointer<CChar>?, UnsafeMutablePointer<gdFTStringExtra>?) -> UnsafeMutablePointer<CChar>?
    /// (im, ditherFlag, colorsWanted)
    let imageCreatePaletteFromTrueColor: @convention(c) (Image?, Int32, Int32) -> Image?
    /// (im, size, GlobalCM, Loops)
    let imageGifAnimBeginPtr: @convention(c) (Image?, Size?, Int32, Int32) -> Buffer?
    /// (im, size, LocalCM, LeftOfs, TopOfs, Delay, Disposal, previm)
    let imageGifAnimAddPtr: @convention(c) (Image?, Size?, Int32, Int32, Int32, Int32, Int32, Image?) -> Buffer?
    /// (size)
    let imageGifAnimEndPtr: @convention(c) (Size?) -> Buffer?
    let free: @convention(c) (Buffer?) -> Void

    /// The library's file names, the runtime package's first (`libgd3` ships only the versioned one).
    static let fileNames = ["libgd.so.3", "libgd.so"]

    /// Opened once, on first use.
    private static let opened: Result<LibGD, PlotError> = open()

    /// libgd's functions, or an error naming the library and the package to install.
    static func functions() throws(PlotError) -> LibGD { try opened.get() }

    /// The functions once libgd is open: for releasing an image, which exists only because an
    /// earlier call opened the library.
    static var loaded: LibGD? { try? opened.get() }

    private static func open() -> Result<LibGD, PlotError> {
        guard let handle = fileNames.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(PlotError("png: cannot load libgd (\(fileNames.joined(separator: " or "))): \(reason); "
                + "install it with apt-get install libgd3"))
        }
        var missing: [String] = []
        // Each property's type is inferred from the member it initialises, so the signatures are
        // written once, above. A missing symbol is recorded and the table discarded unused.
        func symbol<Function>(_ name: String) -> Function {
            let address = dlsym(handle, name)
            if address == nil { missing.append(name) }
            return unsafeBitCast(address, to: Function.self)
        }
        let library = LibGD(
            imageCreateTrueColor: symbol("gdImageCreateTrueColor"), imageCreateFromPngPtr: symbol("gdImageCreateFromPngPtr"),
            imageDestroy: symbol("gdImageDestroy"), imageAlphaBlending: symbol("gdImageAlphaBlending"),
            imageSaveAlpha: symbol("gdImageSaveAlpha"), imageGetTrueColorPixel: symbol("gdImageGetTrueColorPixel"),
            imageStringFTEx: symbol("gdImageStringFTEx"),
            imageCreatePaletteFromTrueColor: symbol("gdImageCreatePaletteFromTrueColor"),
            imageGifAnimBeginPtr: symbol("gdImageGifAnimBeginPtr"), imageGifAnimAddPtr: symbol("gdImageGifAnimAddPtr"),
            imageGifAnimEndPtr: symbol("gdImageGifAnimEndPtr"), free: symbol("gdFree"))
        guard missing.isEmpty else {
            return .failure(PlotError("png: libgd lacks \(missing.joined(separator: ", ")); PlotPNG needs libgd 2.3 or later"))
        }
        return .success(library)
    }
}
