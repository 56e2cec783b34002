# Building text: interpolation into a list of parts, join, replace, split and per-word work.
def render(name, qty, price):
    return f"{name}:{qty}x{price}"
names = ["apple", "pear", "fig", "plum", "kiwi"]
parts = []
for i in range(6000):
    parts.append(render(names[i % 5], i % 9 + 1, i % 13))
text = ";".join(parts)
text = text.replace("fig", "FIG")
long_words = 0
letters = 0
for item in text.split(";"):
    name = item.split(":")[0]
    if len(name) > 3:
        long_words += 1
    letters += len(name.upper())
row = ""
for w in names:
    row = row + w.upper() + ","
print(len(text), long_words, letters, row, parts[42])
