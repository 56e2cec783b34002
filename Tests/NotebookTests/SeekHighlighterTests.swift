// The HTML highlighter: token classes, escaping, interpolated strings, unterminated input.
import Testing
@testable import Notebook

@Suite struct SeekHighlighterTests {
    @Test func classifiesKeywordsLiteralsNumbersCallsAndComments() {
        let html = SeekHighlighter.html("fn f(v) { return v * 2.5e-3 } # scale\nok = true")
        #expect(html == "<span class=\"kw\">fn</span> <span class=\"call\">f</span>(v) { "
            + "<span class=\"kw\">return</span> v * <span class=\"num\">2.5e-3</span> } "
            + "<span class=\"com\"># scale</span>\nok = <span class=\"lit\">true</span>")
    }

    @Test func stringsWithInterpolationAndEscapesStayOneSpan() {
        let html = SeekHighlighter.html(#"print("a \"q\" \(f("x")) <b>") # c"#)
        #expect(html == #"<span class="call">print</span>(<span class="str">&quot;a \&quot;q\&quot; \(f(&quot;x&quot;)) &lt;b&gt;&quot;</span>) <span class="com"># c</span>"#)
    }

    @Test func escapesHTMLOutsideTokensAndSurvivesUnterminatedStrings() {
        #expect(SeekHighlighter.html("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
        #expect(SeekHighlighter.html("s = \"open") == "s = <span class=\"str\">&quot;open</span>")
        #expect(SeekHighlighter.html("x1 = 1e") == "x1 = <span class=\"num\">1</span>e")
    }
}

@Suite struct HTMLProseTests {
    @Test func tildeAndIndentedFencesBecomeBacktickFencesForInk() {
        let markdown = "Intro\n~~~~python\nx = \"```\"\n~~~~~\n  ```text\n  out\n  ```\nEnd"
        #expect(HTMLExport.inkCompatible(markdown) == "Intro\n````python\nx = \"```\"\n````\n```text\nout\n```\nEnd")
    }
}
