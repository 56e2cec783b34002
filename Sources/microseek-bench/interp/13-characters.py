# Walking a string's characters: counting vowels and building a reversed copy.
text = "the quick brown fox jumps over the lazy dog " * 400
vowels = 0
spaces = 0
for ch in text:
    if ch in "aeiou": vowels += 1
    elif ch == " ": spaces += 1
reversed_ = []
for i in range(len(text) - 1, len(text) - 60, -1): reversed_.append(text[i])
print(vowels, spaces, "".join(reversed_).strip())
