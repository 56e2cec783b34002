// An executed lesson as a Jupyter notebook (nbformat 4.5).
import Foundation

/// Writes an executed lesson as an nbformat 4.5 notebook that Jupyter opens and code hosts render.
///
/// Prose becomes markdown cells (`prose-N`), cells become code cells (`cell-N`, the lesson's cell
/// numbers) with stdout as `stream`, echoed values as `execute_result`, charts as `display_data`
/// with base64 `image/png`, and the stopping error as `error`. Keys are sorted and indented by one
/// space, as Jupyter saves them, so the same lesson gives the same bytes every time.
public enum JupyterExport {
    /// The kernel name written in the notebook's metadata.
    public static let languageName = "seek"

    /// The notebook text (UTF-8, ending in a newline).
    public static func render(_ executed: ExecutedLesson) -> String {
        JupyterJSON.serialize(notebook(executed))
    }

    // MARK: - Structure

    static func notebook(_ executed: ExecutedLesson) -> JSONValue {
        var cells: [JSONValue] = []
        var proseCount = 0
        for block in executed.exportBlocks {
            switch block {
            case .prose(let text):
                let trimmed = Lesson.trimmingBlankLines(text)
                guard !trimmed.isEmpty else { continue }
                proseCount += 1
                cells.append(.object([
                    "cell_type": .string("markdown"),
                    "id": .string("prose-\(proseCount)"),
                    "metadata": .object([:]),
                    "source": .lines(trimmed),
                ]))
            case .cell(let cell):
                cells.append(contentsOf: codeCells(cell, path: executed.lesson.fileName))
            }
        }
        return .object([
            "cells": .array(cells),
            "metadata": .object([
                "kernelspec": .object([
                    "display_name": .string("Seek (microseek)"),
                    "language": .string(languageName),
                    "name": .string(languageName),
                ]),
                "language_info": .object([
                    "file_extension": .string(".seek"),
                    "mimetype": .string("text/x-seek"),
                    "name": .string(languageName),
                ]),
                "microseek": .object(["lesson": .string(executed.lesson.fileName)]),
                "title": .string(executed.lesson.title),
            ]),
            "nbformat": .integer(4),
            "nbformat_minor": .integer(5),
        ])
    }

    /// One code cell; an exercise gives two: its starting code (tagged `exercise`), then its
    /// solution (tagged `solution`, the source collapsed as JupyterLab folds it). The outputs go
    /// under whichever code produced them.
    static func codeCells(_ exported: ExportedCell, path: String) -> [JSONValue] {
        let count: JSONValue = exported.result.executionCount.map(JSONValue.integer) ?? .null
        let outputs = JSONValue.array(outputs(exported, executionCount: count, path: path))
        guard let solution = exported.cell.solution else {
            return [codeCell(id: "cell-\(exported.cell.number)", source: exported.code, count: count,
                             outputs: outputs, metadata: [:])]
        }
        let ranSolution = exported.result.ranSolution
        return [
            codeCell(id: "cell-\(exported.cell.number)", source: exported.code, count: ranSolution ? .null : count,
                     outputs: ranSolution ? .array([]) : outputs, metadata: ["tags": .array([.string("exercise")])]),
            codeCell(id: "cell-\(exported.cell.number)-solution", source: solution.code, count: ranSolution ? count : .null,
                     outputs: ranSolution ? outputs : .array([]),
                     metadata: ["jupyter": .object(["source_hidden": .boolean(true)]), "tags": .array([.string("solution")])]),
        ]
    }

    static func codeCell(id: String, source: String, count: JSONValue, outputs: JSONValue,
                         metadata: [String: JSONValue]) -> JSONValue {
        .object([
            "cell_type": .string("code"),
            "execution_count": count,
            "id": .string(id),
            "metadata": .object(metadata),
            "outputs": outputs,
            "source": .lines(source),
        ])
    }

    /// Kernel outputs in order; adjacent printed text is one stream, as Jupyter merges it.
    static func outputs(_ exported: ExportedCell, executionCount: JSONValue, path: String) -> [JSONValue] {
        var outputs: [JSONValue] = []
        var pendingText = ""
        func flushText() {
            guard !pendingText.isEmpty else { return }
            outputs.append(.object([
                "name": .string("stdout"),
                "output_type": .string("stream"),
                "text": .lines(pendingText),
            ]))
            pendingText = ""
        }
        for output in exported.result.outcome.outputs {
            switch output {
            case .text(let text):
                pendingText += text
            case .value(let value):
                flushText()
                outputs.append(.object([
                    "data": .object(["text/plain": .lines(value)]),
                    "execution_count": executionCount,
                    "metadata": .object([:]),
                    "output_type": .string("execute_result"),
                ]))
            case .image(let image):
                flushText()
                outputs.append(.object([
                    "data": .object([
                        "image/png": .string(image.png.base64EncodedString()),
                        "text/plain": .lines(image.title.isEmpty ? "<Figure>" : "<Figure: \(image.title)>"),
                    ]),
                    "metadata": .object([:]),
                    "output_type": .string("display_data"),
                ]))
            }
        }
        flushText()
        if let error = exported.result.outcome.error {
            let description = ExecutedLesson.errorText(error, cell: exported.cell, path: path)
            outputs.append(.object([
                "ename": .string(error.kind.exceptionName),
                "evalue": .string(error.message),
                "output_type": .string("error"),
                "traceback": .array(description.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { .string(String($0)) }),
            ]))
        }
        return outputs
    }
}
