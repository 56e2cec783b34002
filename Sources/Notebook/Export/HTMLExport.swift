// An executed lesson as one self-contained HTML page: Ink prose, highlighted cells, embedded charts.
import Foundation
import Ink

/// Writes an executed lesson as a single HTML file with no external resources.
///
/// Prose is rendered from Markdown by Ink; each cell shows its number, lesson line and state, its
/// code highlighted by `SeekHighlighter`, its text output in `<pre>`, its charts as `data:` PNGs,
/// and its error in a red box. Nothing time-dependent is written, so the bytes are reproducible.
public enum HTMLExport {
    /// The page text.
    public static func render(_ executed: ExecutedLesson) -> String {
        let lesson = executed.lesson
        var body: [String] = []
        for block in executed.exportBlocks {
            switch block {
            case .prose(let text):
                let trimmed = Lesson.trimmingBlankLines(text)
                guard !trimmed.isEmpty else { continue }
                body.append("<div class=\"prose\">\n\(MarkdownParser().html(from: inkCompatible(trimmed)))\n</div>")
            case .cell(let cell):
                body.append(cellHTML(cell, path: lesson.fileName))
            }
        }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="microseek">
        <title>\(SeekHighlighter.escape(lesson.title))</title>
        <style>
        \(HTMLStyle.css)</style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        <footer>Exported by microseek from \(SeekHighlighter.escape(lesson.fileName)).</footer>
        </main>
        </body>
        </html>

        """
    }

    // MARK: - Prose

    /// Rewrites every fence as a backtick fence Ink understands.
    ///
    /// Ink 0.6 knows only backtick fences closed by exactly as many backticks, at the start of a
    /// line; CommonMark also allows tildes, indents and longer closers, which lessons may use.
    static func inkCompatible(_ markdown: String) -> String {
        let lines = LessonParser.splitKeepingTerminators(markdown)
        var output = ""
        var index = 0
        while index < lines.count {
            guard let fence = Fence(opening: lines[index]),
                  let closer = lines[(index + 1)...].firstIndex(where: fence.isClosed(by:)) else {
                output += lines[index]
                index += 1
                continue
            }
            let content = lines[(index + 1)..<closer]
                .map { fence.removingIndent(from: LessonParser.stripTerminator($0)) }
                .joined(separator: "\n")
            output += MarkdownFence.block(content, info: fence.language)
            index = closer + 1
        }
        return output
    }

    // MARK: - Cells

    static func cellHTML(_ exported: ExportedCell, path: String) -> String {
        let cell = exported.cell
        let state = exported.result.state
        let counter = exported.result.executionCount.map(String.init) ?? " "
        var parts: [String] = []
        let kind = cell.isExercise ? "exercise · cell" : "cell"
        parts.append("<section class=\"cell \(stateClass(state))\(cell.isExercise ? " exercise" : "")\" id=\"cell-\(cell.number)\">")
        parts.append("<div class=\"cell-head\"><span class=\"counter\">[\(counter)]</span> "
            + "<span class=\"where\">\(kind) \(cell.number) · \(SeekHighlighter.escape(path)):\(cell.firstLine)</span> "
            + "<span class=\"state\">\(stateLabel(state))</span></div>")
        parts.append("<pre class=\"code\"><code>\(SeekHighlighter.html(exported.code))</code></pre>")
        if let solution = cell.solution {
            // Folded, so the page does not give the answer away before the reader tries.
            parts.append("<details class=\"solution\"><summary>Solution\(exported.result.ranSolution ? " (its output is below)" : "")</summary>"
                + "<pre class=\"code\"><code>\(SeekHighlighter.html(solution.code))</code></pre></details>")
        }
        if !exported.outputs.isEmpty {
            parts.append("<div class=\"outputs\">")
            for output in exported.outputs {
                switch output {
                case .text(let text):
                    parts.append("<pre class=\"output\">\(SeekHighlighter.escape(trimmingFinalNewline(text)))</pre>")
                case .image(let image, _):
                    let title = SeekHighlighter.escape(image.title)
                    parts.append("<figure><img src=\"data:image/png;base64,\(image.png.base64EncodedString())\" alt=\"\(title)\">"
                        + (title.isEmpty ? "" : "<figcaption>\(title)</figcaption>") + "</figure>")
                case .error(let text):
                    parts.append("<pre class=\"error\">\(SeekHighlighter.escape(text))</pre>")
                }
            }
            parts.append("</div>")
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    static func stateClass(_ state: CellState) -> String {
        switch state {
        case .notRun: return "not-run"
        case .ok: return "ok"
        case .error: return "failed"
        case .checkFailed: return "check-failed"
        }
    }

    static func stateLabel(_ state: CellState) -> String {
        switch state {
        case .notRun: return "not run"
        case .ok: return "ok"
        case .error: return "error"
        case .checkFailed: return "check failed"
        }
    }

    private static func trimmingFinalNewline(_ text: String) -> String {
        text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

// MARK: - Style

/// The page's stylesheet: readable prose width, quiet code, clear outputs, red errors.
enum HTMLStyle {
    static let css = """
    :root { --text: #1f2328; --muted: #656d76; --rule: #d0d7de; --code-bg: #f6f8fa;
            --ok: #1a7f37; --bad: #cf222e; --bad-bg: #ffebe9; --accent: #0969da; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--text); background: #ffffff;
           font: 17px/1.6 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; }
    main { max-width: 50rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
    h1, h2, h3 { line-height: 1.25; margin: 1.6em 0 0.6em; }
    h1 { font-size: 2rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.3em; }
    a { color: var(--accent); }
    code, pre { font: 14px/1.5 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    .prose code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 4px; }
    .prose pre { background: var(--code-bg); padding: 0.8rem 1rem; border-radius: 6px; overflow-x: auto; }
    .prose pre code { background: none; padding: 0; }
    .cell { margin: 1.4rem 0; border: 1px solid var(--rule); border-left: 4px solid var(--rule); border-radius: 6px; }
    .cell.ok { border-left-color: var(--ok); }
    .cell.failed, .cell.check-failed { border-left-color: var(--bad); }
    .cell-head { display: flex; gap: 0.8rem; align-items: baseline; padding: 0.3rem 0.8rem;
                 font-size: 13px; color: var(--muted); border-bottom: 1px solid var(--rule); }
    .cell-head .counter { font-family: "DejaVu Sans Mono", monospace; color: var(--accent); }
    .cell-head .state { margin-left: auto; }
    .cell.ok .state { color: var(--ok); }
    .cell.failed .state, .cell.check-failed .state { color: var(--bad); font-weight: 600; }
    pre.code { margin: 0; padding: 0.8rem 1rem; background: var(--code-bg); overflow-x: auto; }
    details.solution { border-top: 1px dashed var(--rule); }
    details.solution summary { padding: 0.3rem 0.8rem; font-size: 13px; color: var(--accent); cursor: pointer; }
    .outputs { padding: 0.4rem 1rem 0.8rem; }
    pre.output { margin: 0.4rem 0; white-space: pre-wrap; }
    pre.error { margin: 0.4rem 0; padding: 0.6rem 0.8rem; white-space: pre-wrap;
                color: var(--bad); background: var(--bad-bg); border-radius: 4px; }
    figure { margin: 0.6rem 0; }
    figure img { display: block; max-width: 100%; height: auto; }
    figcaption { font-size: 13px; color: var(--muted); }
    .kw { color: #cf222e; font-weight: 600; }
    .lit { color: #0550ae; }
    .str { color: #0a3069; }
    .num { color: #0550ae; }
    .com { color: #6e7781; font-style: italic; }
    .call { color: #8250df; }
    footer { margin-top: 3rem; font-size: 13px; color: var(--muted); }

    """
}
