// help(): the index shows each global's first sentence whole; help(name) shows all of it.
import Testing
@testable import Script

@Test func firstSentenceKeepsAWrappedSummaryWhole() {
    #expect(StandardLibrary.firstSentence(of: "len(x): the count.\n  len([1])") == "len(x): the count.")
    // A summary wrapped over two lines, with a full stop inside brackets and after "e.g.".
    #expect(StandardLibrary.firstSentence(of: """
        clusters(n=200, k=3): Gaussian clusters (standard
        deviation 1.5, e.g. for toys) around k centres. Each point has a label.
          data = clusters()
        """) == "clusters(n=200, k=3): Gaussian clusters (standard deviation 1.5, e.g. for toys) around k centres.")
    #expect(StandardLibrary.firstSentence(of: "no full stop here\n  example()") == "no full stop here")
    #expect(StandardLibrary.firstSentence(of: "version 0.5 of it. More.") == "version 0.5 of it.")
}

@Test func helpIndexShowsFirstSentencesAndHelpNameShowsEverything() throws {
    let harness = Harness()
    let text = """
        toy(n): a toy with a long summary that wraps (over
        two lines) and ends here. A second sentence the index leaves out.
          toy(3)
        """
    harness.interpreter.define("toy", help: text) { _ in .null }
    try harness.run("help()")
    #expect(harness.output.contains("  toy   toy(n): a toy with a long summary that wraps (over two lines) and ends here.\n")
            || harness.output.contains("toy(n): a toy with a long summary that wraps (over two lines) and ends here.\n"))
    #expect(!harness.output.contains("A second sentence"))
    harness.output = ""
    try harness.run("help(\"toy\")")
    #expect(harness.output == text + "\n")
}
