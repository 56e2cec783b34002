import Foundation

// Points, rectangles and paths in canvas units (pixels for PNG, user units for SVG).
// The y axis points down, as on screen.

// MARK: - Point and Rect

/// A position on a canvas; y grows downwards.
public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle on a canvas.
public struct Rect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// True when the two rectangles share interior area (touching edges do not count).
    public func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// True when `other` lies inside this rectangle, allowing `tolerance` units of overhang.
    public func contains(_ other: Rect, tolerance: Double = 0) -> Bool {
        other.minX >= minX - tolerance && other.maxX <= maxX + tolerance
            && other.minY >= minY - tolerance && other.maxY <= maxY + tolerance
    }

    /// The rectangle shrunk by `amount` on every side.
    public func insetBy(_ amount: Double) -> Rect {
        Rect(x: x + amount, y: y + amount, width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
    }
}

// MARK: - Path

/// One step of a path.
public enum PathElement: Sendable, Equatable {
    case move(Point)
    case line(Point)
    case close
}

/// A sequence of straight-line subpaths; curves are flattened by whoever builds the path.
public struct Path: Sendable, Equatable {
    public var elements: [PathElement] = []
    public init() {}

    public mutating func move(to point: Point) { elements.append(.move(point)) }
    public mutating func line(to point: Point) { elements.append(.line(point)) }
    public mutating func close() { elements.append(.close) }

    /// A closed rectangle.
    public static func rectangle(_ rect: Rect) -> Path {
        var path = Path()
        path.move(to: Point(rect.minX, rect.minY))
        path.line(to: Point(rect.maxX, rect.minY))
        path.line(to: Point(rect.maxX, rect.maxY))
        path.line(to: Point(rect.minX, rect.maxY))
        path.close()
        return path
    }

    /// An open polyline through `points`.
    public static func polyline(_ points: [Point]) -> Path {
        var path = Path()
        for (index, point) in points.enumerated() {
            if index == 0 { path.move(to: point) } else { path.line(to: point) }
        }
        return path
    }

    /// A closed polygon approximating a circle with `segments` sides.
    public static func circle(center: Point, radius: Double, segments: Int = 16) -> Path {
        var path = Path()
        for step in 0..<segments {
            let angle = Double(step) / Double(segments) * 2 * Double.pi
            let point = Point(center.x + radius * cos(angle), center.y + radius * sin(angle))
            if step == 0 { path.move(to: point) } else { path.line(to: point) }
        }
        path.close()
        return path
    }

    /// The subpaths as point lists, each with a flag saying whether it is closed.
    public var subpaths: [(points: [Point], closed: Bool)] {
        var result: [(points: [Point], closed: Bool)] = []
        var current: [Point] = []
        for element in elements {
            switch element {
            case .move(let point):
                if !current.isEmpty { result.append((current, false)) }
                current = [point]
            case .line(let point):
                current.append(point)
            case .close:
                if !current.isEmpty { result.append((current, true)) }
                current = []
            }
        }
        if !current.isEmpty { result.append((current, false)) }
        return result
    }

    /// The path cut into dashes: `pattern` alternates on and off lengths, starting on.
    /// For canvases that have no native dashing.
    public func dashed(_ pattern: [Double]) -> Path {
        let total = pattern.reduce(0, +)
        guard !pattern.isEmpty, total > 0, pattern.allSatisfy({ $0 >= 0 }) else { return self }
        var result = Path()
        for subpath in subpaths {
            var points = subpath.points
            if subpath.closed, let first = points.first { points.append(first) }
            var patternIndex = 0
            var remaining = pattern[0]
            var drawing = true
            var penDown = false
            for index in 1..<max(points.count, 1) {
                var start = points[index - 1]
                let end = points[index]
                var length = ((end.x - start.x) * (end.x - start.x) + (end.y - start.y) * (end.y - start.y)).squareRoot()
                while length > 0 {
                    let step = min(remaining, length)
                    let fraction = step / length
                    let next = Point(start.x + (end.x - start.x) * fraction, start.y + (end.y - start.y) * fraction)
                    if drawing {
                        if !penDown { result.move(to: start); penDown = true }
                        result.line(to: next)
                    }
                    length -= step
                    remaining -= step
                    start = next
                    if remaining <= 1e-9 {
                        patternIndex = (patternIndex + 1) % pattern.count
                        remaining = pattern[patternIndex]
                        drawing.toggle()
                        penDown = false
                    }
                }
            }
        }
        return result
    }
}
