# Counting with a dict: word frequencies and the most common words.
def count_words(words):
    counts = {}
    for w in words:
        if w in counts: counts[w] += 1
        else: counts[w] = 1
    return counts
vocab = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "away", "and", "back"]
words = []
for i in range(60000): words.append(vocab[(i * 7 + i % 5) % len(vocab)])
counts = count_words(words)
best = ""
for k in counts.keys():
    if best == "" or counts[k] > counts[best]: best = k
total = 0
for k in list(counts): total += counts.get(k, 0)
print(len(counts), best, counts[best], total)
