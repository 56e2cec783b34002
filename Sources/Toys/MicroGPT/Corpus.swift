// A small text corpus written for microseek, to train the micro-GPT on and to look at how its
// experts route tokens: a few paragraphs of English prose, a few lines of code, and the
// arithmetic texts of `ArithmeticSet`. Only ASCII, so every character is one token.

/// The shipped texts, by kind.
public enum Corpus {
    /// English prose about gardens, rivers and kitchens (plain, varied, lower and upper case).
    public static let prose = """
        The garden behind the old house was quiet in the morning. A thin mist lay over the grass, \
        and the apple trees stood still, as if they were waiting for the sun. When the light came, \
        the birds began to sing, one after another, until the whole garden was full of their voices.

        Every spring the river rose and covered the low fields. The farmers did not mind; the water \
        left a layer of dark soil behind, and in the summer the corn grew tall and green. Children \
        walked along the bank to watch the boats, and in the evening they came home with wet shoes.

        In the kitchen, her grandmother kept a small book of recipes. Most of them were short: a cup \
        of flour, two eggs, a little milk, and bake until golden. The pages were stained with butter \
        and the corners were soft from years of turning. Nobody else could read her handwriting.

        The train was late again, so the station filled with people who looked at their watches and \
        said nothing. A dog slept under a bench. When the train finally arrived, everyone moved at \
        once, and for a moment the platform was a river of coats and bags and hurried steps.

        At night the town was dark except for the lamp above the bakery door. The baker started work \
        before dawn, and by the time the first light touched the roofs, the smell of fresh bread had \
        reached every street. People said it was the best alarm clock in the world.
        """

    /// Lines of Python-like code (loops, functions, brackets, operators).
    public static let code = """
        def mean(xs):
            total = 0
            for x in xs:
                total += x
            return total / len(xs)

        def clamp(value, low, high):
            if value < low:
                return low
            if value > high:
                return high
            return value

        counts = {}
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
        best = sorted(counts.items(), key=lambda kv: -kv[1])[:10]
        print(best)

        while i < n and xs[i] != target:
            i = i + 1
        result = [x * x for x in range(10) if x % 2 == 0]
        """

    /// A few arithmetic lines in the R1 template, with worked columns.
    public static var arithmetic: String {
        let problems = [(47, 38), (12, 34), (95, 7), (26, 58), (61, 29), (83, 16)].map { ArithmeticProblem(a: $0.0, b: $0.1, op: "+") }
        return problems.map { $0.prompt + $0.completion(think: true) }.joined(separator: "\n")
    }

    /// All kinds by name, in a fixed order.
    public static var kinds: [(name: String, text: String)] {
        [("prose", prose), ("code", code), ("arithmetic", arithmetic)]
    }
}
