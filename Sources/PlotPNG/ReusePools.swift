import CGD
import Foundation

// Memory handed from one canvas to the next.
//
// Why: every 800x600 chart needs a 1.9 MB libgd image (600 row allocations) and, for a long line,
// a coverage buffer over the line's bounding box (1.4 MB). Allocated fresh per chart and freed
// after, glibc returns that memory to the kernel and takes it back next time: ~800 page faults
// and their zeroing, ~10% of a 4 ms chart. Reused, the memory is already mapped and often in cache.
// Each pool keeps a few small-enough items, so at most ~35 MB stays allocated after rendering.

// MARK: - Coverage buffers

/// All-zero `[Float]` buffers shared by every canvas, guarded by a lock (canvases on several
/// threads take and return buffers independently; a buffer is never used by two at once).
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()

    /// Buffers larger than this many floats (16 MB) are not kept.
    static let largestKept = 4 << 20
    /// At most this many buffers are kept (about one per canvas drawing at the same time).
    static let mostKept = 2

    private let lock = NSLock()
    private var buffers: [[Float]] = []

    /// An all-zero buffer (empty when none is pooled; the rasterizer grows it as needed).
    func take() -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return buffers.popLast() ?? []
    }

    /// Keeps `buffer`, which must be all zero again, for the next canvas.
    func give(_ buffer: [Float]) {
        guard !buffer.isEmpty, buffer.count <= Self.largestKept else { return }
        lock.lock()
        defer { lock.unlock() }
        if buffers.count < Self.mostKept { buffers.append(buffer) }
    }
}

// MARK: - libgd images

/// libgd true-colour images by size, guarded by a lock. An image is owned by exactly one canvas
/// between `take` and `give` (the lock orders the hand-over), so the raw pointers are never shared.
final class ImagePool: @unchecked Sendable {
    static let shared = ImagePool()

    /// Images with more pixels than this (16 MB) are destroyed rather than kept.
    static let largestKept = 4 << 20
    /// At most this many images are kept.
    static let mostKept = 2

    private let lock = NSLock()
    private var images: [(width: Int, height: Int, image: gdImagePtr)] = []

    /// A kept image of exactly this size, with unspecified pixels, or nil.
    func take(width: Int, height: Int) -> gdImagePtr? {
        lock.lock()
        defer { lock.unlock() }
        guard let index = images.lastIndex(where: { $0.width == width && $0.height == height }) else { return nil }
        return images.remove(at: index).image
    }

    /// Keeps `image` for a later canvas of the same size, or destroys it.
    func give(_ image: gdImagePtr, width: Int, height: Int) {
        if width * height <= Self.largestKept {
            lock.lock()
            if images.count < Self.mostKept {
                images.append((width, height, image))
                lock.unlock()
                return
            }
            lock.unlock()
        }
        LibGD.loaded?.imageDestroy(image)
    }
}
