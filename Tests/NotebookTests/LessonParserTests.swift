// Parsing lessons: fences, nested backticks, tildes, empty cells, no cells, errors, line numbers.
import Testing
@testable import Notebook

@Suite struct LessonParserTests {
    // MARK: - Cells and prose

    @Test func splitsProseAndCellsWithLineNumbers() throws {
        let text = """
        # A tour

        Values, tensors and a gradient.

        ```seek
        x = 3
        print(x)
        ```

        Then a second cell.
        ```seek
        y = x * 2
        ```
        The end.

        """
        let lesson = try LessonParser.parse(text, path: "Lessons/01-tour.md")
        #expect(lesson.title == "A tour")
        #expect(lesson.summary == "Values, tensors and a gradient.")
        #expect(lesson.cells.count == 2)
        // Line 5 is the first fence, so the code starts on line 6; the second fence is line 11.
        #expect(lesson.cells[0] == LessonCell(number: 1, code: "x = 3\nprint(x)", firstLine: 6))
        #expect(lesson.cells[1] == LessonCell(number: 2, code: "y = x * 2", firstLine: 12))
        #expect(lesson.introduction == "Values, tensors and a gradient.")
        #expect(lesson.prose(beforeCellAt: 1) == "Then a second cell.")
        #expect(lesson.closingProse == "The end.")
        let proseLines = lesson.blocks.compactMap { block -> Int? in
            if case .prose(let prose) = block { return prose.firstLine }
            return nil
        }
        #expect(proseLines == [1, 9, 14])
    }

    @Test func longerFenceHoldsTripleBackticksInsideACell() throws {
        let text = """
        # Nested
        ````seek
        s = "```"
        ```
        t = 1
        ````
        """
        let lesson = try LessonParser.parse(text, path: "n.md")
        #expect(lesson.cells.count == 1)
        #expect(lesson.cells[0].code == "s = \"```\"\n```\nt = 1")
        #expect(lesson.cells[0].firstLine == 3)
    }

    @Test func tildeFencesAreCellsAndBackticksDoNotCloseThem() throws {
        let text = """
        # Tildes
        ~~~seek
        a = 1
        ```
        ~~~~
        """
        let lesson = try LessonParser.parse(text, path: "t.md")
        #expect(lesson.cells.map(\.code) == ["a = 1\n```"])
    }

    @Test func otherLanguagesStayProseEvenWhenTheyContainSeekFences() throws {
        let text = """
        # Others
        ```python
        x = 1
        ```
        ````markdown
        ```seek
        not a cell
        ```
        ````
        ```seek
        real = 1
        ```
        """
        let lesson = try LessonParser.parse(text, path: "o.md")
        #expect(lesson.cells.map(\.code) == ["real = 1"])
        #expect(lesson.cells[0].firstLine == 11)
        guard case .prose(let prose) = lesson.blocks[0] else {
            Issue.record("first block should be prose"); return
        }
        #expect(prose.text.contains("```python\nx = 1\n```\n"))
        #expect(prose.text.contains("not a cell"))
    }

    @Test func emptyCellsAndInfoStringsAfterTheLanguage() throws {
        let text = """
        # Empty
        ```seek
        ```
        ``` seek   title="x"
        b = 2
        ```
        """
        let lesson = try LessonParser.parse(text, path: "e.md")
        #expect(lesson.cells.map(\.code) == ["", "b = 2"])
        #expect(lesson.cells.map(\.number) == [1, 2])
    }

    @Test func indentedFenceRemovesItsIndentFromCode() throws {
        let text = "# Indent\n  ```seek\n  a = 1\n    b = 2\n c = 3\n  ```\n"
        let lesson = try LessonParser.parse(text, path: "i.md")
        #expect(lesson.cells.map(\.code) == ["a = 1\n  b = 2\nc = 3"])
    }

    @Test func aLessonWithoutCells() throws {
        let lesson = try LessonParser.parse("# Just prose\n\nNothing to run.\n", path: "p.md")
        #expect(lesson.cells.isEmpty)
        #expect(lesson.summary == "Nothing to run.")
        #expect(lesson.introduction == "Nothing to run.")
        #expect(lesson.closingProse == "")
    }

    @Test func windowsLineEndingsAreAccepted() throws {
        let lesson = try LessonParser.parse("# CRLF\r\n```seek\r\nx = 1\r\n```\r\n", path: "c.md")
        #expect(lesson.title == "CRLF")
        #expect(lesson.cells.map(\.code) == ["x = 1"])
    }

    // MARK: - Title and summary

    @Test func summarySkipsSubheadingsAndJoinsLines() throws {
        let text = """
        <!-- comment-free front -->
        # Experts ##

        ## Why

        A router sends each token
        to k of N experts.

        More prose.
        """
        let lesson = try LessonParser.parse(text, path: "x.md")
        #expect(lesson.title == "Experts")
        #expect(lesson.summary == "A router sends each token to k of N experts.")
    }

    @Test func headingInsideAFenceIsNotTheTitle() throws {
        let text = "```text\n# not the title\n```\n# Real title\n"
        #expect(try LessonParser.parse(text, path: "h.md").title == "Real title")
    }

    // MARK: - Errors

    @Test func unclosedFenceNamesItsLine() {
        let text = "# Broken\n\nprose\n```seek\nx = 1\n``\n"
        #expect(throws: LessonError.unclosedFence(path: "Lessons/03-x.md", line: 4, fence: "```")) {
            try LessonParser.parse(text, path: "Lessons/03-x.md")
        }
        let message = LessonError.unclosedFence(path: "Lessons/03-x.md", line: 4, fence: "````").description
        #expect(message.hasPrefix("Lessons/03-x.md:4: "))
        #expect(message.contains("close it with ````"))
    }

    @Test func shorterCloserDoesNotCloseALongerFence() {
        #expect(throws: LessonError.unclosedFence(path: "l.md", line: 2, fence: "~~~~")) {
            try LessonParser.parse("# L\n~~~~seek\nx\n~~~\n", path: "l.md")
        }
    }

    @Test func missingTitleIsAnError() {
        #expect(throws: LessonError.missingTitle(path: "m.md")) {
            try LessonParser.parse("## only a subheading\n```seek\nx\n```\n", path: "m.md")
        }
    }
}
