// RFC 4180 CSV: quoting only where needed, doubled quotes, CRLF records, and a reader that takes
// what the writer writes (and LF files) and names the line of a malformed record.
import Testing
@testable import Interop

@Test func csvQuotesOnlyWhereNeededAndEndsRecordsWithCRLF() {
    let text = CSV.text([["name", "note"], ["a,b", "say \"hi\""], ["plain", "two\nlines"]])
    #expect(text == "name,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\nplain,\"two\nlines\"\r\n")
}

@Test func csvReadsBackWhatItWrites() throws {
    let rows = [["step", "loss"], ["1", "0.5"], ["2", ""], ["x,y", "\"q\""], ["multi\r\nline", "end"]]
    let parsed = try CSV.parse(CSV.text(rows))
    #expect(parsed == rows, "\(parsed)")
    #expect(try CSV.parse("a,b\n1,2") == [["a", "b"], ["1", "2"]], "LF and no final line break")
    #expect(try CSV.parse("") == [])
    #expect(try CSV.parse("a,,b\n") == [["a", "", "b"]])
}

@Test func malformedCSVNamesTheLine() {
    #expect(throws: CSV.ParseError(description: "line 2: a quoted field is never closed")) { try CSV.parse("a,b\n\"open,x\n") }
    #expect(throws: CSV.ParseError(description: "line 1: a quote inside an unquoted field (quote the whole field and double the quote)")) {
        try CSV.parse("ab\"c,d\n")
    }
    #expect(throws: CSV.ParseError(description: "line 3: text after a closing quote")) { try CSV.parse("a\nb\n\"c\"d\n") }
}
